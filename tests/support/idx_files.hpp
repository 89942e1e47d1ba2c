// IDX files for the data tests: the format's bytes built by hand, written plain or through
// zlib's gzwrite (into a TempDir).
#pragma once

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <zlib.h>

#include "nn/data/idx.hpp"
#include "support/temp_dir.hpp"  // TempDir

namespace tg::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& file, const Bytes& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// Writes bytes gzip-compressed (one gzip member, as `gzip -9` writes it).
inline void write_gz(const std::filesystem::path& file, const Bytes& bytes) {
  gzFile gz = gzopen(file.c_str(), "wb9");
  REQUIRE(gz != nullptr);
  if (!bytes.empty())
    REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

// The bytes of a one-member gzip stream holding bytes (written to a file in dir and read back).
inline Bytes gzip(const Bytes& bytes, const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "gzip.tmp.gz";
  write_gz(file, bytes);
  Bytes gz = read_bytes(file);
  std::filesystem::remove(file);
  return gz;
}

// An IDX header: 00 00, the type, the rank, the dims as big-endian u32s.
inline Bytes idx_header(nn::data::IdxType type, const std::vector<std::uint32_t>& dims) {
  Bytes b{0, 0, static_cast<std::uint8_t>(type), static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(d >> shift));
  return b;
}

// Values as the big-endian bytes the IDX format stores (floats by their bit patterns).
template <class T>
Bytes big_endian(const std::vector<T>& values) {
  using U = std::conditional_t<
      sizeof(T) == 1, std::uint8_t,
      std::conditional_t<sizeof(T) == 2, std::uint16_t,
                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
  Bytes b;
  for (T v : values) {
    const U u = std::bit_cast<U>(v);
    for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8)
      b.push_back(static_cast<std::uint8_t>(u >> shift));
  }
  return b;
}

// A whole IDX file: the header, then the data bytes.
inline Bytes idx_file(nn::data::IdxType type, const std::vector<std::uint32_t>& dims, const Bytes& data) {
  Bytes b = idx_header(type, dims);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// An MNIST-format directory of n_train training and n_test test images of rows×cols, labels
// 0..9: a few small images for the conv networks' tests.
inline void write_image_set(const std::filesystem::path& dir, std::uint32_t rows, std::uint32_t cols,
                            std::uint32_t n_train, std::uint32_t n_test) {
  const auto write_set = [&](const char* prefix, std::uint32_t n, std::uint32_t seed) {
    Bytes pixels(std::size_t{n} * rows * cols), labels(n);
    for (std::size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = static_cast<std::uint8_t>((i * 37 + seed) % 251);
    for (std::uint32_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>((i + seed) % 10);
    write_bytes(dir / fmt::format("{}-images-idx3-ubyte", prefix),
                idx_file(nn::data::IdxType::u8, {n, rows, cols}, pixels));
    write_bytes(dir / fmt::format("{}-labels-idx1-ubyte", prefix),
                idx_file(nn::data::IdxType::u8, {n}, labels));
  };
  write_set("train", n_train, 0);
  write_set("t10k", n_test, 5);
}

}  // namespace tg::test
