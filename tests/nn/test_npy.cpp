// The .npy format (nn/npy.cpp): what numpy writes and reads. Errors on bad files are tested
// through the checkpoint loader in test_checkpoint.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "nn/npy.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"
#include "support/temp_dir.hpp"

using tg::Shape;
using tg::Tensor;
using namespace tg::nn;

TEST_CASE("npy: encode and decode round-trip any shape, with numpy's 64-byte aligned header") {
  for (const Shape& shape : {Shape{}, Shape{3}, Shape{2, 3}, Shape{4, 1}, Shape{2, 0}, Shape{2, 3, 2}}) {
    CAPTURE(tg::shape_str(shape));
    const Tensor t = tg::test::random_tensor(shape, tg::test::Domain::any, 5);
    const std::string bytes = encode_npy(t);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t header_end =
        10 + static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]);
    CHECK(header_end % 64 == 0);
    CHECK(bytes[header_end - 1] == '\n');
    CHECK(bytes.size() == header_end + t.size() * 8);
    const Tensor back = decode_npy(bytes, "t.npy");
    CHECK(tg::shape_of(back) == shape);
    CHECK(back == t);
  }
  // numpy's spelling of the shape tuple
  CHECK(encode_npy(Tensor::from_shape({3})).find("'shape': (3,), }") != std::string::npos);
  CHECK(encode_npy(Tensor::from_shape({2, 3})).find("'shape': (2, 3), }") != std::string::npos);
}

TEST_CASE("npy: headers as other writers spell them are read (key order, quotes, version 2.0)") {
  const std::string data(16, '\0');  // two zeros
  auto file = [&](std::string header, char major) {
    const std::size_t width = major == 1 ? 2 : 4;
    header.append((64 - (8 + width + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY", 6) + major + '\0';
    for (std::size_t i = 0; i < width; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return bytes + header + data;
  };
  CHECK(tg::shape_of(decode_npy(file(R"({"shape": (2, 1), "fortran_order": False, "descr": "<f8"})", 1),
                                "a.npy")) == Shape{2, 1});
  CHECK(decode_npy(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 2), "b.npy").size() ==
        2);
}

TEST_CASE("npy functions: bad arguments are clear errors") {
  using tg::test::BadInput;
  const std::string good = encode_npy(tg::filled({2, 3}, 1.0));
  const std::size_t header_end = good.size() - 48;
  // A version 1.0 file with this header dict (padded as numpy pads it) and two doubles.
  const auto with_header = [](std::string header) {
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size() & 0xff) +
           static_cast<char>(header.size() >> 8) + header + std::string(16, '\0');
  };
  std::string version4 = good;
  version4[6] = '\x04';
  const tg::test::TempDir tmp("npy");
  const std::filesystem::path missing = tmp.path / "missing.npy";
  tg::test::check_bad_inputs({
      {"decode_npy: not a .npy file", [] { (void)decode_npy("abc", "x.npy"); }, TG_ERROR(npy_error),
       "npy file 'x.npy': not a .npy file: bad magic string at byte 0"},
      {"decode_npy: only the magic string", [] { (void)decode_npy(std::string("\x93NUMPY", 6), "x.npy"); },
       TG_ERROR(npy_error),
       "npy file 'x.npy': truncated at byte 6: the file ends inside the version (bytes 6..7)"},
      {"decode_npy: version 4.0", [&] { (void)decode_npy(version4, "v4.npy"); }, TG_ERROR(npy_error),
       "npy file 'v4.npy': unsupported .npy version 4.0 at byte 6"},
      {"decode_npy: a header without 'shape'",
       [&] { (void)decode_npy(with_header("{'descr': '<f8', 'fortran_order': False, }"), "h.npy"); },
       TG_ERROR(npy_error), "npy file 'h.npy': header has no 'shape' key at byte 10"},
      {"decode_npy: float32",
       [&] {
         (void)decode_npy(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"), "f.npy");
       },
       TG_ERROR(npy_error), "npy file 'f.npy': dtype '<f4' is not '<f8' (little-endian float64)"},
      // No element, but the other extents' product (a stride) is beyond any byte offset: found by fuzz_npy.
      {"decode_npy: an empty shape whose other extents overflow",
       [&] {
         (void)decode_npy(
             with_header(
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 40000000000, 40400000000), }"),
             "e.npy");
       },
       TG_ERROR(npy_error), "npy file 'e.npy': shape (0,40000000000,40400000000) is too large"},
      {"decode_npy: data cut short", [&] { (void)decode_npy(good.substr(0, good.size() - 8), "cut.npy"); },
       TG_ERROR(npy_error),
       fmt::format(
           "npy file 'cut.npy': truncated at byte {}: shape (2,3) needs 48 bytes of data from byte {}",
           good.size() - 8, header_end)},
      {"decode_npy: bytes after the data", [&] { (void)decode_npy(good + "xy", "long.npy"); },
       TG_ERROR(npy_error),
       fmt::format("npy file 'long.npy': 2 unexpected bytes after the data, from byte {}", good.size())},
      {"read_npy: a missing file", [&] { (void)read_npy(missing); }, TG_ERROR(npy_error),
       fmt::format("npy file '{}': cannot read: No such file or directory", missing.string())},
      {"write_npy: into a missing directory", [&] { write_npy(tmp.path / "no-dir" / "t.npy", Tensor{1.0}); },
       TG_ERROR(npy_error),
       fmt::format("npy file '{}': cannot write", (tmp.path / "no-dir" / "t.npy").string())},
  });
}

TEST_CASE("npy: a shape with a zero extent is an empty tensor of that shape") {
  const Tensor t = decode_npy(encode_npy(Tensor::from_shape({0, 7})), "empty.npy");
  CHECK(t.size() == 0);
  CHECK(tg::shape_str(t) == "(0,7)");
}
