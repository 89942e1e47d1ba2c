#include "cli/png.hpp"

#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <zlib.h>

namespace tg::cli {

namespace {

void put_u32(std::string& out, std::uint32_t v) {  // big-endian, as PNG stores every number
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

// A chunk: length, type, data, CRC-32 of type and data.
void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out += type;
  out += data;
  const auto* crc_bytes = reinterpret_cast<const Bytef*>(out.data() + start);
  put_u32(out, static_cast<std::uint32_t>(crc32(0L, crc_bytes, static_cast<uInt>(out.size() - start))));
}

}  // namespace

std::string encode_png_gray(const std::vector<std::uint8_t>& pixels, std::size_t width, std::size_t height) {
  if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff ||
      pixels.size() != width * height)
    throw std::invalid_argument(
        fmt::format("encode_png_gray: {} pixels for a {}×{} image", pixels.size(), width, height));
  // The image data: each row prefixed by its filter type (0: none), then zlib-compressed.
  std::string raw;
  raw.reserve(height * (width + 1));
  for (std::size_t r = 0; r < height; ++r) {
    raw += '\0';
    raw.append(reinterpret_cast<const char*>(pixels.data() + r * width), width);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK)
    throw std::runtime_error("encode_png_gray: zlib could not compress the image");
  packed.resize(packed_size);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string header;
  put_u32(header, static_cast<std::uint32_t>(width));
  put_u32(header, static_cast<std::uint32_t>(height));
  header += std::string{'\x08', '\x00', '\x00', '\x00',
                        '\x00'};  // 8 bits, grayscale, deflate, filters, no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

}  // namespace tg::cli
