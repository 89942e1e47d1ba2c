// libFuzzer target for the IDX reader (nn/data/idx.cpp): any bytes, plain or gzip-compressed,
// must either parse or throw idx_error. Any other exception, a crash, a leak, undefined
// behaviour or an allocation beyond libFuzzer's -malloc_limit_mb is a bug.
//
//   fuzz/run.sh [seconds]     builds this with clang and runs it on a copy of fuzz/corpus/idx
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nn/data/idx.hpp"

using namespace tg::nn::data;

namespace {

// What a parsed array promises: its data holds exactly size() elements of its type.
void check(const IdxArray& a) {
  if (a.dims.empty() || a.data.size() != a.size() * element_size(a.type)) std::abort();
  if (a.size() > 0) (void)(a.at(0) + a.at(a.size() - 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  // decode_idx inflates bytes starting with 1f 8b and parses the rest as they are: both paths
  try {
    check(decode_idx(bytes, "fuzz"));
  } catch (const idx_error&) {
  }
  // parse_idx never inflates: on gzip bytes it must fail cleanly
  try {
    const IdxArray a = parse_idx(bytes, "fuzz");
    check(a);
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) std::abort();
  } catch (const idx_error&) {
  }
  return 0;
}
