// PNG files written with zlib alone (already a dependency): 8-bit grayscale images, small
// enough to inline into a page as data: URIs (a 28×28 Fashion-MNIST image is about 400 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tg::cli {

// The bytes of a PNG file of a width × height grayscale image; pixels row by row, top to
// bottom, 0 black .. 255 white (pixels.size() must be width · height: std::invalid_argument).
std::string encode_png_gray(const std::vector<std::uint8_t>& pixels, std::size_t width, std::size_t height);

}  // namespace tg::cli
