#include "ingest/core/mapping_guard.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <mutex>
#include <stdexcept>

namespace wcs {
namespace {

// The handler reads only these lock-free atomics (async-signal-safe). begin == 0: a free slot.
struct guarded_range {
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<std::uintptr_t> failed{UINTPTR_MAX};  // address of the first page that failed
};

std::array<guarded_range, 8> ranges;
struct sigaction previous {};
std::uintptr_t page_bytes = 4096;

void call_previous(int signal, siginfo_t* info, void* context) {
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
  } else {
    // Blocked while this handler runs, the raised signal takes the default action as it returns.
    ::signal(signal, SIG_DFL);
    ::raise(signal);
  }
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (auto& r : ranges) {
    const std::uintptr_t begin = r.begin.load(std::memory_order_acquire);
    const std::uintptr_t end = r.end.load(std::memory_order_acquire);
    if (begin == 0 || address < begin || address >= end) continue;
    // The pages from here on are past the file's new end (or unreadable): zeros in their place let the
    // faulting access and any later one complete; one mapping covers them all.
    const std::uintptr_t page = address & ~(page_bytes - 1);
    if (::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
        MAP_FAILED) {
      break;
    }
    std::uintptr_t seen = r.failed.load(std::memory_order_relaxed);
    while (page < seen && !r.failed.compare_exchange_weak(seen, page, std::memory_order_release)) {
    }
    return;
  }
  call_previous(signal, info, context);
}

void install_handler() {
  page_bytes = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction action {};
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, &previous);
}

}  // namespace

mapping_guard::mapping_guard(const std::uint8_t* begin, std::size_t bytes) {
  static std::once_flag installed;
  std::call_once(installed, install_handler);
  const auto b = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t e = (b + bytes + page_bytes - 1) & ~(page_bytes - 1);
  for (slot_ = 0; slot_ < ranges.size(); ++slot_) {
    std::uintptr_t expected = 0;
    auto& r = ranges[slot_];
    // The slot is claimed by its begin; end is set before begin is published again below.
    if (r.begin.compare_exchange_strong(expected, UINTPTR_MAX)) {
      r.failed.store(UINTPTR_MAX, std::memory_order_relaxed);
      r.end.store(e, std::memory_order_relaxed);
      r.begin.store(b, std::memory_order_release);
      return;
    }
  }
  throw std::runtime_error("mapping_guard: more than 8 mapped files at once");
}

mapping_guard::~mapping_guard() { ranges[slot_].begin.store(0, std::memory_order_release); }

std::optional<std::size_t> mapping_guard::failed_at() const {
  const auto& r = ranges[slot_];
  const std::uintptr_t failed = r.failed.load(std::memory_order_acquire);
  if (failed == UINTPTR_MAX) return std::nullopt;
  return failed - r.begin.load(std::memory_order_relaxed);
}

}  // namespace wcs
