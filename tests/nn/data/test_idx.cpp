// The IDX reader (nn/data/idx.cpp): every element type through plain and gzip files and bytes,
// and a clear error, naming the file and the byte, for every kind of bad file.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/data/idx.hpp"
#include "support/idx_files.hpp"

using namespace tg::nn::data;
using tg::test::big_endian;
using tg::test::Bytes;
using tg::test::idx_file;
using tg::test::idx_header;
using tg::test::TempDir;
namespace fs = std::filesystem;

namespace {

// The message of the idx_error f throws; fails the test if it throws none (any other
// exception escapes and fails the test case).
template <class F>
std::string idx_error_of(F&& f) {
  try {
    f();
  } catch (const idx_error& e) {
    return e.what();
  }
  FAIL_CHECK("no idx_error was thrown");
  return {};
}

bool has(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

// Each array equal to the first: type, dims and bytes.
void check_same(const IdxArray& a, const IdxArray& b) {
  CHECK(a.type == b.type);
  CHECK(a.dims == b.dims);
  CHECK(a.data == b.data);
}

// n bytes that do not compress (so that a gzip of them is about as long).
Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng() >> 56);
  return b;
}

// One element type's test values, as doubles and as the file's bytes.
struct Sample {
  IdxType type;
  std::vector<double> values;
  Bytes data;
};

std::vector<Sample> samples() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::uint8_t> u8{0, 1, 127, 128, 254, 255};
  const std::vector<std::int8_t> i8{-128, -1, 0, 1, 100, 127};
  const std::vector<std::int16_t> i16{-32768, -300, -1, 0, 258, 32767};
  const std::vector<std::int32_t> i32{std::numeric_limits<std::int32_t>::min(), -70000, -1, 0, 16909060,
                                      std::numeric_limits<std::int32_t>::max()};
  const std::vector<float> f32{
      -1.5f, 0.0f, -0.0f, 3.25e10f, std::numeric_limits<float>::denorm_min(), static_cast<float>(inf)};
  const std::vector<double> f64{
      -1.5, std::numbers::pi, -inf, 1e300, std::numeric_limits<double>::denorm_min(), -0.0};
  auto as_doubles = [](const auto& v) { return std::vector<double>(v.begin(), v.end()); };
  return {{IdxType::u8, as_doubles(u8), big_endian(u8)},    {IdxType::i8, as_doubles(i8), big_endian(i8)},
          {IdxType::i16, as_doubles(i16), big_endian(i16)}, {IdxType::i32, as_doubles(i32), big_endian(i32)},
          {IdxType::f32, as_doubles(f32), big_endian(f32)}, {IdxType::f64, as_doubles(f64), big_endian(f64)}};
}

}  // namespace

TEST_CASE("idx: to_string and element_size describe each element type") {
  CHECK(to_string(IdxType::u8) == "unsigned byte");
  CHECK(to_string(IdxType::i8) == "signed byte");
  CHECK(to_string(IdxType::i16) == "i16");
  CHECK(to_string(IdxType::i32) == "i32");
  CHECK(to_string(IdxType::f32) == "f32");
  CHECK(to_string(IdxType::f64) == "f64");
  CHECK(element_size(IdxType::u8) == 1);
  CHECK(element_size(IdxType::i8) == 1);
  CHECK(element_size(IdxType::i16) == 2);
  CHECK(element_size(IdxType::i32) == 4);
  CHECK(element_size(IdxType::f32) == 4);
  CHECK(element_size(IdxType::f64) == 8);
  CHECK_THROWS_AS(element_size(static_cast<IdxType>(0x0A)), std::invalid_argument);
  CHECK_THROWS_AS(to_string(static_cast<IdxType>(0x0A)), std::invalid_argument);
}

TEST_CASE("idx: every element type round-trips through plain and gzip files and bytes alike") {
  TempDir tmp("idx");
  for (const Sample& s : samples()) {
    for (const std::vector<std::uint32_t>& dims : {std::vector<std::uint32_t>{6}, {2, 3}, {1, 3, 2}}) {
      CAPTURE(to_string(s.type));
      CAPTURE(dims.size());
      const Bytes bytes = idx_file(s.type, dims, s.data);
      const Bytes gz = tg::test::gzip(bytes, tmp.path);
      REQUIRE(gz.size() > 2);
      CHECK((gz[0] == 0x1f && gz[1] == 0x8b));
      tg::test::write_bytes(tmp.path / "plain", bytes);
      tg::test::write_bytes(tmp.path / "packed.gz", gz);

      const IdxArray a = read_idx(tmp.path / "plain");
      CHECK(a.type == s.type);
      CHECK(a.dims == std::vector<std::size_t>(dims.begin(), dims.end()));
      CHECK(a.data == s.data);
      REQUIRE(a.size() == s.values.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(i);
        if (std::isnan(s.values[i])) CHECK(std::isnan(a.at(i)));
        else CHECK(a.at(i) == s.values[i]);
        CHECK(std::signbit(a.at(i)) == std::signbit(s.values[i]));  // -0.0 stays -0.0
      }
      check_same(read_idx(tmp.path / "packed.gz"), a);
      check_same(parse_idx(bytes, "plain"), a);
      check_same(decode_idx(bytes, "plain"), a);
      check_same(decode_idx(gz, "packed.gz"), a);
    }
  }
}

TEST_CASE("idx: empty arrays (a zero dim) read as no data, whatever the other dims") {
  for (const std::vector<std::uint32_t>& dims :
       {std::vector<std::uint32_t>{0}, {0, 28, 28}, {0xffffffff, 0xffffffff, 0}}) {
    const IdxArray a = parse_idx(idx_header(IdxType::f64, dims), "empty");
    CHECK(a.size() == 0);
    CHECK(a.data.empty());
    CHECK(a.dims.size() == dims.size());
  }
}

TEST_CASE("idx: data longer than several read steps and inflate buffers is read whole") {
  TempDir tmp("idx");
  const Bytes data = random_bytes(3 * (std::size_t{1} << 20) + 12345, 7);  // (3158073) i8 values
  const Bytes bytes = idx_file(IdxType::i8, {static_cast<std::uint32_t>(data.size())}, data);
  tg::test::write_bytes(tmp.path / "big", bytes);
  tg::test::write_gz(tmp.path / "big.gz", bytes);
  const IdxArray plain = read_idx(tmp.path / "big");
  CHECK(plain.data == data);
  check_same(read_idx(tmp.path / "big.gz"), plain);
  check_same(decode_idx(bytes, "big"), plain);
  check_same(decode_idx(tg::test::read_bytes(tmp.path / "big.gz"), "big.gz"), plain);
}

TEST_CASE("idx: concatenated gzip members read as one stream, as gzip -d reads them") {
  TempDir tmp("idx");
  const Bytes bytes = idx_file(IdxType::i16, {2, 5}, random_bytes(20, 3));
  const Bytes head(bytes.begin(), bytes.begin() + 9),
      tail(bytes.begin() + 9, bytes.end());  // cut inside the dims
  Bytes two = tg::test::gzip(head, tmp.path);
  const Bytes second = tg::test::gzip(tail, tmp.path);
  two.insert(two.end(), second.begin(), second.end());
  const Bytes empty_member = tg::test::gzip({}, tmp.path);
  two.insert(two.end(), empty_member.begin(), empty_member.end());
  tg::test::write_bytes(tmp.path / "two.gz", two);
  check_same(read_idx(tmp.path / "two.gz"), parse_idx(bytes, "plain"));
}

TEST_CASE("idx: a missing or unreadable file names the file and the reason") {
  TempDir tmp("idx");
  const fs::path missing = tmp.path / "no-such-file-idx3-ubyte";
  CHECK_THROWS_WITH_AS(
      read_idx(missing),
      doctest::Contains(
          fmt::format("read_idx: '{}': cannot open: No such file or directory", missing.string()).c_str()),
      idx_error);

  CHECK_THROWS_WITH_AS(
      read_idx(tmp.path),
      doctest::Contains(
          fmt::format("read_idx: '{}': cannot read: it is a directory", tmp.path.string()).c_str()),
      idx_error);

  const fs::path locked = tmp.path / "locked";
  tg::test::write_bytes(locked, idx_file(IdxType::u8, {1}, {7}));
  fs::permissions(locked, fs::perms::none);
  if (geteuid() == 0) {
    MESSAGE(
        "running as root, which reads files without read permission: the permission-denied case is skipped");
  } else {
    CHECK_THROWS_WITH_AS(
        read_idx(locked),
        doctest::Contains(
            fmt::format("read_idx: '{}': cannot open: Permission denied", locked.string()).c_str()),
        idx_error);
  }
  fs::permissions(locked, fs::perms::owner_all);
}

TEST_CASE("idx: a FIFO or a device is refused by name instead of blocking or reading forever") {
  TempDir tmp("idx");
  const fs::path fifo = tmp.path / "train-images-idx3-ubyte";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // no writer: opening it to read would block
  CHECK_THROWS_WITH_AS(read_idx(fifo),
                       doctest::Contains("cannot read: it is a FIFO (named pipe), not a regular file"),
                       idx_error);
  CHECK_THROWS_WITH_AS(read_idx("/dev/zero"),
                       doctest::Contains("'/dev/zero': cannot read: it is a character device"), idx_error);
}

TEST_CASE("idx: a limit reads only the first items, after a look at the header as the file has it") {
  TempDir tmp("idx");
  Bytes data;
  for (std::uint8_t k = 0; k < 5 * 4; ++k) data.push_back(k);
  Bytes bytes = idx_file(IdxType::u8, {5, 2, 2}, data);
  bytes.push_back(0xee);  // trailing garbage after the last item: beyond what is read
  for (const bool gz : {false, true}) {
    const fs::path file = tmp.path / (gz ? "a.gz" : "a");
    if (gz) tg::test::write_gz(file, bytes);
    else tg::test::write_bytes(file, bytes);
    std::vector<std::size_t> seen;
    const IdxArray a = read_idx(file, {2, [&](const IdxArray& header) { seen = header.dims; }});
    CHECK(seen == std::vector<std::size_t>{5, 2, 2});
    CHECK(a.dims == std::vector<std::size_t>{2, 2, 2});
    CHECK(a.data == Bytes(data.begin(), data.begin() + 8));
    CHECK_THROWS_WITH_AS(read_idx(file), doctest::Contains("trailing bytes after the data"),
                         idx_error);  // all of it: checked
    CHECK_THROWS_WITH_AS(read_idx(file, {0, [](const IdxArray&) { throw idx_error("refused"); }}), "refused",
                         idx_error);
  }
}

TEST_CASE("idx: a bad header names what was expected and the byte") {
  TempDir tmp("idx");
  const fs::path file = tmp.path / "bad-idx1-ubyte";
  // The error read_idx gives for a file holding these bytes; it always names the file.
  auto error_for = [&](const Bytes& bytes) {
    tg::test::write_bytes(file, bytes);
    const std::string msg = idx_error_of([&] { read_idx(file); });
    CHECK(has(msg, fmt::format("read_idx: '{}': ", file.string())));
    return msg;
  };
  CHECK(has(error_for({}),
            "truncated at byte 0: expected the 4-byte header (00 00, element type, number of dimensions)"));
  CHECK(has(error_for({0, 0, 8}), "truncated at byte 3: expected the 4-byte header"));
  CHECK(has(error_for({0, 1, 8, 1, 0, 0, 0, 1, 5}),
            "not an IDX file: bad magic at byte 0: expected 00 00, found 00 01"));
  CHECK(has(error_for({'P', 'K', 3, 4}), "bad magic at byte 0: expected 00 00, found 50 4b"));
  CHECK(has(error_for({7}), "bad magic at byte 0: expected 00 00, found 07 00"));
  CHECK(has(error_for({0, 0, 0x0A, 1, 0, 0, 0, 1, 5}),
            "bad magic at byte 2: unknown element type 0x0a (expected 0x08 unsigned byte"));
  CHECK(has(error_for({0, 0, 0x07}), "unknown element type 0x07"));
  CHECK(has(error_for({0, 0, 0x08, 0}), "bad magic at byte 3: 0 dimensions (expected 1 or more)"));
  CHECK(has(error_for({0, 0, 0x08, 3, 0, 0, 0, 2, 0}),
            "truncated at byte 9: expected 3 dimension sizes (4 bytes each) from byte 4 to byte 16"));
  CHECK(has(
      error_for(idx_header(IdxType::u8, {0xffffffff, 0xffffffff, 2})),
      "dims (4294967295, 4294967295, 2) of unsigned byte at byte 4 claim more data than a size_t can count"));
  CHECK(has(
      error_for(idx_header(IdxType::f64, {0xffffffff, 0xffffffff})),
      "dims (4294967295, 4294967295) of f64 at byte 4 claim more data than a size_t can count (the product of the dims times 8 bytes overflows)"));

  // Bytes not gzip-compressed pass through parse_idx and decode_idx with the same message.
  CHECK_THROWS_WITH_AS(parse_idx(Bytes{0, 0, 0x08, 0}, "x.idx"),
                       doctest::Contains("parse_idx: 'x.idx': bad magic at byte 3: 0 dimensions"), idx_error);
  CHECK_THROWS_WITH_AS(decode_idx(Bytes{0, 0, 0x08, 0}, "x.idx"),
                       doctest::Contains("decode_idx: 'x.idx': bad magic at byte 3: 0 dimensions"),
                       idx_error);
  // parse_idx does not inflate, and says what it found.
  TempDir gz_dir("idx");
  const Bytes gz = tg::test::gzip(idx_file(IdxType::u8, {1}, {1}), gz_dir.path);
  CHECK_THROWS_WITH_AS(parse_idx(gz, "x.gz"),
                       doctest::Contains(
                           "found 1f 8b (gzip's magic: compressed bytes where IDX bytes were expected)"),
                       idx_error);
}

TEST_CASE("idx: dims that disagree with the file's length are an error, plain or gzipped") {
  TempDir tmp("idx");
  // The header of MNIST's training images, then only 100 bytes of their 47040000.
  const Bytes short_images = idx_file(IdxType::u8, {60000, 28, 28}, random_bytes(100, 1));
  tg::test::write_bytes(tmp.path / "train-images-idx3-ubyte", short_images);
  tg::test::write_gz(tmp.path / "train-images-idx3-ubyte.gz", short_images);
  for (const char* name : {"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"}) {
    const fs::path file = tmp.path / name;
    CHECK_THROWS_WITH_AS(
        read_idx(file),
        doctest::Contains(
            fmt::format("read_idx: '{}': truncated at byte 116: expected 47040000 bytes of data for dims "
                        "(60000, 28, 28) of unsigned byte, from byte 16 to byte 47040016",
                        file.string())
                .c_str()),
        idx_error);
  }
  CHECK_THROWS_WITH_AS(parse_idx(short_images, "mem"),
                       doctest::Contains("parse_idx: 'mem': truncated at byte 116: expected 47040000 bytes"),
                       idx_error);

  // A multi-byte element cut in half.
  CHECK_THROWS_WITH_AS(
      parse_idx(idx_file(IdxType::i32, {2}, {0, 0, 0, 1, 0, 0}), "half"),
      doctest::Contains(
          "truncated at byte 14: expected 8 bytes of data for dims (2) of i32, from byte 8 to byte 16"),
      idx_error);

  // Trailing bytes, counted.
  Bytes long_labels = idx_file(IdxType::u8, {3}, {1, 2, 3});
  long_labels.insert(long_labels.end(), {4, 5});
  tg::test::write_bytes(tmp.path / "labels", long_labels);
  tg::test::write_gz(tmp.path / "labels.gz", long_labels);
  CHECK_THROWS_WITH_AS(
      read_idx(tmp.path / "labels"),
      doctest::Contains(
          fmt::format("read_idx: '{}': trailing bytes after the data, from byte 11 (2 bytes): dims (3) of "
                      "unsigned byte need 3 bytes of data, from byte 8 to byte 11",
                      (tmp.path / "labels").string())
              .c_str()),
      idx_error);
  CHECK_THROWS_WITH_AS(
      read_idx(tmp.path / "labels.gz"),
      doctest::Contains(
          fmt::format("read_idx: '{}': trailing bytes after the data, from byte 11 (2 bytes): dims (3)",
                      (tmp.path / "labels.gz").string())
              .c_str()),
      idx_error);
  CHECK_THROWS_WITH_AS(decode_idx(long_labels, "mem"),
                       doctest::Contains(
                           "decode_idx: 'mem': trailing bytes after the data, from byte 11 (2 bytes)"),
                       idx_error);
}

TEST_CASE("idx: trailing bytes in a gzip stream are counted up to 64 MiB, in constant memory") {
  TempDir tmp("idx");
  const fs::path file = tmp.path / "long.gz";
  gzFile gz = gzopen(file.c_str(), "wb1");
  REQUIRE(gz != nullptr);
  const Bytes head = idx_file(IdxType::u8, {1}, {42});
  REQUIRE(gzwrite(gz, head.data(), static_cast<unsigned>(head.size())) == static_cast<int>(head.size()));
  const Bytes zeros(std::size_t{1} << 20, 0);
  for (int i = 0; i < 65; ++i)
    REQUIRE(gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size())) == static_cast<int>(zeros.size()));
  REQUIRE(gzclose(gz) == Z_OK);
  CHECK_THROWS_WITH_AS(read_idx(file),
                       doctest::Contains(
                           "trailing bytes after the data, from byte 9 (more than 67108864 bytes): dims (1)"),
                       idx_error);
}

TEST_CASE("idx: a header claiming 2^64 bytes on a tiny file fails at once, without allocating them") {
  // (2^32 − 1)² bytes of u8 fit in a size_t, so only reading can find that they are not there.
  TempDir tmp("idx");
  const Bytes huge = idx_file(IdxType::u8, {0xffffffff, 0xffffffff}, {1, 2, 3});
  tg::test::write_bytes(tmp.path / "huge", huge);
  tg::test::write_gz(tmp.path / "huge.gz", huge);
  const auto start = std::chrono::steady_clock::now();
  for (const char* name : {"huge", "huge.gz"})
    CHECK_THROWS_WITH_AS(
        read_idx(tmp.path / name),
        doctest::Contains(
            "truncated at byte 15: expected 18446744065119617025 bytes of data for dims (4294967295, 4294967295)"),
        idx_error);
  CHECK_THROWS_WITH_AS(parse_idx(huge, "huge"), doctest::Contains("truncated at byte 15"), idx_error);
  CHECK_THROWS_WITH_AS(decode_idx(tg::test::read_bytes(tmp.path / "huge.gz"), "huge.gz"),
                       doctest::Contains("truncated at byte 15"), idx_error);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("idx: a truncated gzip stream is an error wherever it is cut") {
  TempDir tmp("idx");
  const Bytes bytes = idx_file(IdxType::i16, {40, 50}, random_bytes(4000, 9));
  const Bytes gz = tg::test::gzip(bytes, tmp.path);
  const fs::path file = tmp.path / "cut.gz";
  // 2..9: inside gzip's 10-byte header; then inside the deflate data; the last 8 bytes are the CRC-32 and length.
  for (std::size_t cut : {std::size_t{2}, std::size_t{5}, std::size_t{10}, std::size_t{11}, gz.size() / 2,
                          gz.size() - 8, gz.size() - 4, gz.size() - 1}) {
    CAPTURE(cut);
    tg::test::write_bytes(file, Bytes(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(cut)));
    const std::string msg = idx_error_of([&] { read_idx(file); });
    INFO(msg);
    CHECK(has(
        msg,
        fmt::format(
            "read_idx: '{}': truncated gzip stream: the compressed data ends at byte {} inside a gzip member",
            file.string(), cut)));
    CHECK(has(idx_error_of([&] {
                decode_idx(Bytes(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(cut)), "cut.gz");
              }),
              fmt::format("decode_idx: 'cut.gz': truncated gzip stream: the compressed data ends at byte {}",
                          cut)));
  }
}

TEST_CASE("idx: a corrupt gzip stream is an error naming the compressed byte") {
  TempDir tmp("idx");
  Bytes pixels = random_bytes(78400, 11);
  for (auto& p : pixels) p %= 16;  // compressible: deflate codes them with Huffman codes, not stored blocks
  const Bytes bytes = idx_file(IdxType::u8, {100, 28, 28}, pixels);
  const Bytes gz = tg::test::gzip(bytes, tmp.path);
  const fs::path file = tmp.path / "corrupt.gz";
  auto error_for = [&](const Bytes& corrupt) {
    tg::test::write_bytes(file, corrupt);
    const std::string msg = idx_error_of([&] { read_idx(file); });
    INFO(msg);
    CHECK(has(msg, fmt::format("read_idx: '{}': corrupt gzip stream (detected at compressed byte ",
                               file.string())));
    return msg;
  };
  Bytes flipped = gz;  // bytes in the middle of the deflate data
  for (std::size_t i = 0; i < 8; ++i) flipped[gz.size() / 2 + i] ^= 0xff;
  Bytes header = gz;  // gzip's compression method (byte 2) must be 8, deflate
  header[2] = 7;
  Bytes crc = gz;  // the CRC-32 of the data, in the trailer's first four bytes
  crc[gz.size() - 8] ^= 0x01;
  Bytes length = gz;  // the data's length, in the trailer's last four bytes
  length[gz.size() - 1] ^= 0x01;
  // (with zlib 1.2.13 these flips make the stream inflate to more bytes than the dims need; the
  // CRC is checked before trailing bytes are reported, so the error is the damage, not the length)
  error_for(flipped);
  // (inflate reads a few bytes ahead: the method, byte 2, is found bad once bytes 0..3 are read)
  CHECK(has(
      error_for(header),
      "corrupt gzip stream (detected at compressed byte 4, after 0 uncompressed bytes): unknown compression method"));
  CHECK(has(
      error_for(crc),
      fmt::format(
          "corrupt gzip stream (detected at compressed byte {}, after 78416 uncompressed bytes): incorrect data check",
          gz.size() - 4)));
  CHECK(has(
      error_for(length),
      fmt::format(
          "corrupt gzip stream (detected at compressed byte {}, after 78416 uncompressed bytes): incorrect length check",
          gz.size())));
  // The same stream in memory gives the same message, from decode_idx.
  CHECK_THROWS_WITH_AS(decode_idx(crc, "corrupt.gz"),
                       doctest::Contains(
                           "decode_idx: 'corrupt.gz': corrupt gzip stream (detected at compressed byte"),
                       idx_error);

  // Bytes after the last member that are not another member.
  Bytes garbage = gz;
  garbage.insert(garbage.end(), {0, 0, 0, 0});
  tg::test::write_bytes(file, garbage);
  CHECK_THROWS_WITH_AS(
      read_idx(file),
      doctest::Contains(
          fmt::format(
              "unexpected bytes after the end of the gzip stream, from compressed byte {} (another gzip member would start with 1f 8b; found 00)",
              gz.size())
              .c_str()),
      idx_error);
}

TEST_CASE("idx: IdxArray::at stops at the end of the data") {
  const IdxArray a = parse_idx(idx_file(IdxType::i16, {2}, {0xff, 0xfe, 0x01, 0x00}), "two");
  CHECK(a.at(0) == -2.0);
  CHECK(a.at(1) == 256.0);
  CHECK_THROWS_WITH_AS(a.at(2), "IdxArray::at: element 2 of an array of 2 elements", std::out_of_range);
  CHECK_THROWS_AS(a.at(std::numeric_limits<std::size_t>::max()), std::out_of_range);
}
