// Token shard files: a checked header (magic, version, token width, count, vocabulary size, CRC-32) then the token ids.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/mapped_file.hpp"
#include "runtime/tokenizer/tokenizer.hpp"

namespace sextant::trainer {

// The file starts with this header, little-endian; the tokens follow it, each an unsigned
// little-endian integer of token_bytes bytes.
struct TokenShardHeader {
  char magic[8];              // kTokenShardMagic
  std::uint32_t version;      // kTokenShardVersion
  std::uint32_t token_bytes;  // 2 when every id of the vocabulary fits (vocab_size <= 65536), else 4
  std::uint64_t token_count;
  std::uint32_t vocab_size;  // every token is below it
  std::uint32_t checksum;    // CRC-32 (zlib's, as Python's zlib.crc32) of the token bytes
};
static_assert(sizeof(TokenShardHeader) == 32);
static_assert(std::endian::native == std::endian::little, "token shards are read and written in place");

inline constexpr char kTokenShardMagic[8] = {'S', 'X', 'T', 'O', 'K', 'E', 'N', 'S'};
inline constexpr std::uint32_t kTokenShardVersion = 1;

// Bytes per token for a vocabulary: 2 up to 65536 ids, else 4.
int token_width_for(std::int64_t vocab_size);

// Writes a shard to a temporary file beside `path`, tokens appended in pieces; finish()
// completes the header, syncs and renames it into place. A writer destroyed unfinished
// removes its temporary file, so no half-written shard is ever at `path`.
class TokenShardWriter {
 public:
  // Throws sextant::Error naming the file when it cannot be created or vocab_size is out
  // of [1, 2^31].
  TokenShardWriter(std::string path, std::int64_t vocab_size);
  ~TokenShardWriter();
  TokenShardWriter(const TokenShardWriter&) = delete;
  TokenShardWriter& operator=(const TokenShardWriter&) = delete;

  // Throws naming the file and the token's position when an id is outside the vocabulary.
  void append(std::span<const runtime::TokenId> tokens);
  void finish();
  std::uint64_t token_count() const { return count_; }

 private:
  void flush();

  std::string path_, tmp_path_;
  int fd_ = -1;
  std::int64_t vocab_size_;
  int width_;
  std::uint64_t count_ = 0;
  std::uint32_t crc_ = 0;
  bool header_in_buffer_ = true;
  std::vector<unsigned char> buffer_;
};

// One call: the whole shard from a list of tokens.
void write_token_shard(const std::string& path, std::span<const runtime::TokenId> tokens, std::int64_t vocab_size);

// A shard, memory-mapped and checked on opening: magic, version, token width (and its fit
// with the vocabulary size), the data length against token_count, the checksum and every
// id against the vocabulary size. Errors name the file and the header field.
class TokenShard {
 public:
  explicit TokenShard(const std::string& path);

  const std::string& path() const { return file_.path(); }
  std::size_t size() const { return count_; }
  int token_width() const { return width_; }
  std::int64_t vocab_size() const { return vocab_size_; }
  runtime::TokenId operator[](std::size_t i) const;
  // Tokens [begin, begin + out.size()); throws when the range passes the end.
  void read(std::size_t begin, std::span<runtime::TokenId> out) const;
  std::vector<runtime::TokenId> tokens() const;

 private:
  MappedFile file_;
  const unsigned char* data_ = nullptr;
  std::size_t count_ = 0;
  int width_ = 0;
  std::int64_t vocab_size_ = 0;
};

}  // namespace sextant::trainer
