#include "host/tables/count_table.hpp"
#include "host/tables/dense_count_table.hpp"
#include "kernels/common/host_exec.hpp"
#include "kernels/cuda/dense_counts.hpp"

namespace wcs {

// The same table code as the device's, on the host executor: one definition of the views' tables.
std::unique_ptr<count_table> make_host_count_table() {
  return std::make_unique<dense_count_table<cuda::dense_counts<host_exec>>>();
}

}  // namespace wcs
