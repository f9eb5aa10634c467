// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which Abseil 20220623 lacks.
#ifndef STATUSCAST_LIBS_BASE_STATUS_MACROS_H_
#define STATUSCAST_LIBS_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define STATUSCAST_CONCAT_INNER_(a, b) a##b
#define STATUSCAST_CONCAT_(a, b) STATUSCAST_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::absl::Status statuscast_status_ = (expr);       \
    if (!statuscast_status_.ok()) return statuscast_status_; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr());
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(STATUSCAST_CONCAT_(statuscast_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // STATUSCAST_LIBS_BASE_STATUS_MACROS_H_
