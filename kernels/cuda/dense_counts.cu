// dense_counts<cuda_exec>: the device count tables (the one instantiation).
#include "kernels/cuda/cuda_exec.cuh"
#include "kernels/cuda/dense_counts.hpp"
#include "kernels/cuda/device_entries.cuh"

namespace wcs::cuda {

struct device_dense_counts::impl {
  explicit impl(bool profile) : counts(profile) {}
  dense_counts<cuda_exec> counts;
};

device_dense_counts::device_dense_counts(bool profile) : impl_(std::make_unique<impl>(profile)) {}
device_dense_counts::~device_dense_counts() = default;

void device_dense_counts::apply(std::span<const std::uint32_t> ids, std::span<const std::uint64_t> counts, int sign) {
  impl_->counts.apply(ids, counts, sign);
}
void device_dense_counts::apply(const device_entries& batch, int sign) { impl_->counts.apply(batch.get().entries, sign); }
void device_dense_counts::collect(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts, bool keep_zero) {
  impl_->counts.collect(ids, counts, keep_zero);
}
std::size_t device_dense_counts::collect_top(std::vector<std::uint32_t>& ids, std::vector<std::uint64_t>& counts,
                                             std::size_t num, bool keep_zero) {
  return impl_->counts.collect_top(ids, counts, num, keep_zero);
}
void device_dense_counts::remap(std::span<const std::uint32_t> old_to_new, std::size_t new_size) {
  impl_->counts.remap(old_to_new, new_size);
}
void device_dense_counts::download(std::vector<std::uint64_t>& counts, std::vector<std::uint8_t>& touched) {
  impl_->counts.download(counts, touched);
}
void device_dense_counts::upload(std::span<const std::uint64_t> counts, std::span<const std::uint8_t> touched) {
  impl_->counts.upload(counts, touched);
}
device_timing device_dense_counts::take_timing() { return impl_->counts.exec().take_timing(); }

}  // namespace wcs::cuda
