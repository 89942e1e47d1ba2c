// Grayscale PNG files written with zlib (cli/png.cpp): the chunks, their CRCs, and the pixels
// read back by inflating the image data.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

#include "cli/png.hpp"

namespace {

std::uint32_t u32_at(const std::string& s, std::size_t i) {
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s[i + k]);
  return v;
}

struct Chunk {
  std::string type, data;
  bool crc_ok;
};

std::vector<Chunk> chunks(const std::string& png) {
  std::vector<Chunk> out;
  for (std::size_t i = 8; i + 12 <= png.size();) {
    const std::uint32_t n = u32_at(png, i);
    Chunk c{png.substr(i + 4, 4), png.substr(i + 8, n), false};
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + i + 4), 4 + n);
    c.crc_ok = crc == u32_at(png, i + 8 + n);
    out.push_back(c);
    i += 12 + n;
  }
  return out;
}

}  // namespace

TEST_CASE("encode_png_gray writes IHDR, IDAT and IEND with their CRCs, and the pixels row by row") {
  const std::size_t width = 5, height = 3;
  std::vector<std::uint8_t> pixels;
  for (std::size_t i = 0; i < width * height; ++i) pixels.push_back(static_cast<std::uint8_t>(17 * i));
  const std::string png = tg::cli::encode_png_gray(pixels, width, height);
  REQUIRE(png.size() > 8);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));

  const std::vector<Chunk> c = chunks(png);
  REQUIRE(c.size() == 3);
  CHECK(c[0].type == "IHDR");
  CHECK(c[1].type == "IDAT");
  CHECK(c[2].type == "IEND");
  for (const Chunk& k : c) CHECK_MESSAGE(k.crc_ok, k.type);
  REQUIRE(c[0].data.size() == 13);
  CHECK(u32_at(c[0].data, 0) == width);
  CHECK(u32_at(c[0].data, 4) == height);
  CHECK(c[0].data[8] == 8);  // bit depth
  CHECK(c[0].data[9] == 0);  // color type: grayscale

  // Inflated: each row is its filter byte (0) and then its pixels.
  std::vector<unsigned char> raw(height * (width + 1));
  uLongf raw_size = raw.size();
  REQUIRE(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(c[1].data.data()),
                     c[1].data.size()) == Z_OK);
  REQUIRE(raw_size == raw.size());
  for (std::size_t r = 0; r < height; ++r) {
    CHECK(raw[r * (width + 1)] == 0);
    for (std::size_t col = 0; col < width; ++col)
      CHECK(raw[r * (width + 1) + 1 + col] == pixels[r * width + col]);
  }
}

TEST_CASE("encode_png_gray: pixels that do not fill the image are an error") {
  CHECK_THROWS_WITH_AS(tg::cli::encode_png_gray(std::vector<std::uint8_t>(10), 4, 3),
                       "encode_png_gray: 10 pixels for a 4×3 image", std::invalid_argument);
  CHECK_THROWS_AS(tg::cli::encode_png_gray({}, 0, 0), std::invalid_argument);
}
