// Writing token shards through a temporary file, and mapping and checking them for reading.
#include "trainer/data/token_shard.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace sextant::trainer {

namespace {

constexpr std::size_t kHeaderBytes = sizeof(TokenShardHeader);
constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::int64_t kMaxVocab = std::int64_t{1} << 31;  // every id fits a TokenId

std::uint32_t crc32_of(std::uint32_t crc, const unsigned char* data, std::size_t size) {
  // zlib takes at most 4 GiB per call (uInt).
  while (size > 0) {
    const std::size_t n = std::min<std::size_t>(size, 1u << 30);
    crc = static_cast<std::uint32_t>(::crc32(crc, data, static_cast<uInt>(n)));
    data += n;
    size -= n;
  }
  return crc;
}

runtime::TokenId load_token(const unsigned char* p, int width) {
  if (width == 2) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return static_cast<runtime::TokenId>(v);
  }
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return static_cast<runtime::TokenId>(v);
}

std::string printable(const char* bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace

int token_width_for(std::int64_t vocab_size) { return vocab_size <= 65536 ? 2 : 4; }

TokenShardWriter::TokenShardWriter(std::string path, std::int64_t vocab_size)
    : path_(std::move(path)),
      tmp_path_(path_ + ".tmp." + std::to_string(::getpid())),
      vocab_size_(vocab_size),
      width_(token_width_for(vocab_size)) {
  if (vocab_size < 1 || vocab_size > kMaxVocab)
    fail("{}: vocab_size {} is outside [1, {}]", path_, vocab_size, kMaxVocab);
  fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("{}: cannot create: {}", tmp_path_, std::strerror(errno));
  buffer_.reserve(kBufferBytes);
  buffer_.resize(kHeaderBytes);  // rewritten by finish(), once count and checksum are known
}

TokenShardWriter::~TokenShardWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_path_.c_str());
  }
}

void TokenShardWriter::append(std::span<const runtime::TokenId> tokens) {
  if (fd_ < 0) fail("{}: tokens appended after finish()", path_);
  // All checked before any is kept, so a refused call leaves the shard as it was.
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= vocab_size_)
      fail("{}: token {} of the shard is {}, outside the vocabulary of {}", path_, count_ + i, tokens[i], vocab_size_);
  for (const runtime::TokenId id : tokens) {
    unsigned char bytes[4];
    const auto v = static_cast<std::uint32_t>(id);
    std::memcpy(bytes, &v, 4);
    buffer_.insert(buffer_.end(), bytes, bytes + width_);
    if (buffer_.size() >= kBufferBytes) flush();
  }
  count_ += tokens.size();
}

void TokenShardWriter::flush() {
  // The placeholder header, in the first buffer, is not token data.
  const std::size_t skip = header_in_buffer_ ? kHeaderBytes : 0;
  header_in_buffer_ = false;
  crc_ = crc32_of(crc_, buffer_.data() + skip, buffer_.size() - skip);
  const unsigned char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("{}: write failed: {}", tmp_path_, std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void TokenShardWriter::finish() {
  if (fd_ < 0) fail("{}: finish() called twice", path_);
  flush();
  TokenShardHeader header{};
  std::memcpy(header.magic, kTokenShardMagic, sizeof header.magic);
  header.version = kTokenShardVersion;
  header.token_bytes = static_cast<std::uint32_t>(width_);
  header.token_count = count_;
  header.vocab_size = static_cast<std::uint32_t>(vocab_size_);
  header.checksum = crc_;
  if (::pwrite(fd_, &header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes))
    fail("{}: cannot write the header: {}", tmp_path_, std::strerror(errno));
  if (::fsync(fd_) != 0) fail("{}: cannot sync: {}", tmp_path_, std::strerror(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp_path_.c_str());
    fail("{}: cannot close: {}", tmp_path_, std::strerror(err));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_path_.c_str());
    fail("{}: cannot rename into place: {}", path_, std::strerror(err));
  }
}

void write_token_shard(const std::string& path, std::span<const runtime::TokenId> tokens, std::int64_t vocab_size) {
  TokenShardWriter writer(path, vocab_size);
  writer.append(tokens);
  writer.finish();
}

TokenShard::TokenShard(const std::string& path) : file_(path) {
  const std::size_t size = file_.size();
  if (size < kHeaderBytes)
    fail("{}: the header is truncated: the file has {} bytes, a header {}", path, size, kHeaderBytes);
  TokenShardHeader h;
  std::memcpy(&h, file_.data(), kHeaderBytes);
  if (std::memcmp(h.magic, kTokenShardMagic, sizeof h.magic) != 0)
    fail("{}: magic is \"{}\", expected \"{}\": not a token shard", path, printable(h.magic, sizeof h.magic),
         printable(kTokenShardMagic, sizeof kTokenShardMagic));
  if (h.version != kTokenShardVersion)
    fail("{}: version is {}, expected {} (the version this build reads)", path, h.version, kTokenShardVersion);
  if (h.token_bytes != 2 && h.token_bytes != 4) fail("{}: token_bytes is {}, expected 2 or 4", path, h.token_bytes);
  if (h.vocab_size == 0 || h.vocab_size > kMaxVocab)
    fail("{}: vocab_size is {}, outside [1, {}]", path, h.vocab_size, kMaxVocab);
  if (static_cast<int>(h.token_bytes) != token_width_for(h.vocab_size))
    fail("{}: token_bytes is {}, but a vocab_size of {} takes {}", path, h.token_bytes, h.vocab_size,
         token_width_for(h.vocab_size));
  width_ = static_cast<int>(h.token_bytes);
  vocab_size_ = h.vocab_size;
  const std::size_t data_bytes = size - kHeaderBytes;
  if (h.token_count > data_bytes / h.token_bytes)
    fail("{}: the token data is truncated: token_count is {} tokens of {} bytes, but {} bytes follow the header", path,
         h.token_count, h.token_bytes, data_bytes);
  if (h.token_count * h.token_bytes != data_bytes)
    fail("{}: token_count is {} tokens of {} bytes ({} bytes), but {} bytes follow the header", path, h.token_count,
         h.token_bytes, h.token_count * h.token_bytes, data_bytes);
  count_ = h.token_count;
  data_ = file_.data() + kHeaderBytes;
  if (const std::uint32_t crc = crc32_of(0, data_, data_bytes); crc != h.checksum)
    fail("{}: checksum is {:08x}, but the token data's CRC-32 is {:08x}: the data is corrupt", path, h.checksum, crc);
  // Only 2-byte tokens can exceed a vocabulary below 65536 undetected by the width checks.
  for (std::size_t i = 0; i < count_; ++i)
    if (const auto id = load_token(data_ + i * static_cast<std::size_t>(width_), width_); id < 0 || id >= vocab_size_)
      fail("{}: token {} is {}, outside vocab_size {}", path, i, static_cast<std::uint32_t>(id), vocab_size_);
}

runtime::TokenId TokenShard::operator[](std::size_t i) const {
  if (i >= count_) fail("{}: token {} is past the end ({} tokens)", path(), i, count_);
  return load_token(data_ + i * static_cast<std::size_t>(width_), width_);
}

void TokenShard::read(std::size_t begin, std::span<runtime::TokenId> out) const {
  if (begin > count_ || out.size() > count_ - begin)
    fail("{}: tokens [{}, {}) pass the end ({} tokens)", path(), begin, begin + out.size(), count_);
  const unsigned char* p = data_ + begin * static_cast<std::size_t>(width_);
  for (std::size_t i = 0; i < out.size(); ++i, p += width_) out[i] = load_token(p, width_);
}

std::vector<runtime::TokenId> TokenShard::tokens() const {
  std::vector<runtime::TokenId> out(count_);
  read(0, out);
  return out;
}

}  // namespace sextant::trainer
