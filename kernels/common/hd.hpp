#pragma once
// WCS_HD marks functions that are compiled for the host and, under nvcc, for the device too.
// Host-only builds see plain inline functions, so the same body is unit-tested on the CPU.
#if defined(__CUDACC__)
#define WCS_HD __host__ __device__ __forceinline__
#else
#define WCS_HD inline
#endif
