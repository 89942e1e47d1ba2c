// libFuzzer target for the .npy reader alone (nn/npy.cpp's decode_npy): any bytes must either
// decode or throw npy_error naming the file and the byte. Any other exception, a crash, undefined
// behaviour or an allocation beyond libFuzzer's -malloc_limit_mb (a header claiming a shape the
// bytes do not hold) is a bug; what decodes encodes back to a file that decodes the same.
//
//   fuzz/run.sh [seconds] fuzz_npy     on a copy of fuzz/corpus/npy
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "nn/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const tg::Tensor t = tg::nn::decode_npy(bytes, "fuzz.npy");
    const tg::Tensor again = tg::nn::decode_npy(tg::nn::encode_npy(t), "again.npy");
    if (again.shape() != t.shape() ||
        (t.size() > 0 && std::memcmp(again.data(), t.data(), t.size() * sizeof(double)) != 0))
      std::abort();
  } catch (const tg::nn::npy_error&) {
  }
  return 0;
}
