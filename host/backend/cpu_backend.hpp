#pragma once
#include <vector>

#include "host/backend/backend.hpp"
#include "kernels/cpu/cpu_reduce.hpp"

namespace wcs {

class cpu_backend final : public backend {
 public:
  std::string_view name() const override { return "cpu"; }
  void add_chunk(std::span<const std::uint8_t> text) override { reducer_.add(text); }
  std::uint64_t finish_batch(dictionary& dict, batch_table& out) override;

 private:
  cpu_reducer reducer_;
  std::vector<std::uint32_t> slot_of_id_;  // id -> position in out + 1 while merging (0: absent)
  std::uint64_t generation_ = 0;           // the dictionary's generation the reducer's ids belong to
};

}  // namespace wcs
