// The .npy format (nn/npy.cpp): what numpy writes and reads. Errors on bad files are tested
// through the checkpoint loader in test_checkpoint.cpp.
#include <doctest/doctest.h>

#include <string>

#include "nn/npy.hpp"
#include "support/random.hpp"

using tg::Shape;
using tg::Tensor;
using namespace tg::nn;

TEST_CASE("npy: encode and decode round-trip any shape, with numpy's 64-byte aligned header") {
  for (const Shape& shape : {Shape{}, Shape{3}, Shape{2, 3}, Shape{4, 1}, Shape{2, 0}, Shape{2, 3, 2}}) {
    CAPTURE(tg::shape_str(shape));
    const Tensor t = tg::test::random_tensor(shape, tg::test::Domain::any, 5);
    const std::string bytes = encode_npy(t);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t header_end = 10 + static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]);
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
  CHECK(tg::shape_of(decode_npy(file(R"({"shape": (2, 1), "fortran_order": False, "descr": "<f8"})", 1), "a.npy")) ==
        Shape{2, 1});
  CHECK(decode_npy(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 2), "b.npy").size() == 2);
}
