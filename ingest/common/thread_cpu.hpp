#pragma once
// The calling thread's CPU time, for the exit summaries that say what each ingest thread cost.
#include <ctime>

namespace wcs {

inline double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace wcs
