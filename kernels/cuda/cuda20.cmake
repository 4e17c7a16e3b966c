# CMake 3.25 does not know nvcc's C++20 flag (added in 3.26), so CUDA_STANDARD 20 fails at generate
# time. Included by every directory that defines CUDA targets.
if(CMAKE_VERSION VERSION_LESS 3.26 AND NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
  set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
  set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
endif()
