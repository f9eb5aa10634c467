// The bench tools' signals: SIGUSR1 (act: push, or write the records),
// SIGTERM and SIGINT (stop), blocked in the calling thread and every thread it
// starts afterwards, so one thread takes them with sigwait on the set returned.
#ifndef STATUSCAST_BENCH_BENCH_SIGNALS_H_
#define STATUSCAST_BENCH_BENCH_SIGNALS_H_

#include <signal.h>

namespace statuscast::bench {

// Call first in main, before any thread starts.
inline sigset_t BlockBenchSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace statuscast::bench

#endif  // STATUSCAST_BENCH_BENCH_SIGNALS_H_
