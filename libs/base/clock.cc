#include "libs/base/clock.h"

namespace statuscast {

RealClock& RealClock::Get() {
  static RealClock* clock = new RealClock();
  return *clock;
}

}  // namespace statuscast
