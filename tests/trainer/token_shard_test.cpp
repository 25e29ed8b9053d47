// Tests of token shard files: round-trips at both widths, the header's fields, and a clear error for each corruption.
#include "trainer/data/token_shard.hpp"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "tests/test_files.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using sextant::runtime::TokenId;
using sextant::trainer::TokenShard;
using sextant::trainer::TokenShardHeader;
using sextant::trainer::TokenShardWriter;
using sextant::trainer::write_token_shard;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("sextant_shard_" + std::to_string(::getpid()) + "_" + name)).string();
}

// A valid shard's bytes, for corrupting.
std::string shard_bytes(const std::vector<TokenId>& tokens, std::int64_t vocab_size) {
  const std::string path = temp_path("source.bin");
  write_token_shard(path, tokens, vocab_size);
  std::string bytes = sextant::testing::read_all(path);
  fs::remove(path);
  return bytes;
}

TokenShardHeader header_of(const std::string& bytes) {
  TokenShardHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  return h;
}

std::string with_header(std::string bytes, const TokenShardHeader& h) {
  std::memcpy(bytes.data(), &h, sizeof h);
  return bytes;
}

// Opening these bytes as a shard fails with a message naming the file and `field`.
void check_rejected(const std::string& name, const std::string& bytes, const std::string& field) {
  const std::string path =
      sextant::testing::write_temp("sextant_shard_" + std::to_string(::getpid()) + "_" + name, bytes);
  INFO(name);
  CHECK_THROWS_AS(TokenShard(path), sextant::Error);
  CHECK_THROWS_WITH(TokenShard(path), Contains(path) && Contains(field));
  fs::remove(path);
}

const std::vector<TokenId> kTokens = {0, 1, 2, 599, 300, 42, 7, 598};

}  // namespace

TEST_CASE("a token shard round-trips with 2-byte tokens for a vocabulary up to 65536", "[trainer][shard]") {
  const std::string path = temp_path("two.bin");
  write_token_shard(path, kTokens, 600);
  const TokenShard shard(path);
  CHECK(shard.size() == kTokens.size());
  CHECK(shard.token_width() == 2);
  CHECK(shard.vocab_size() == 600);
  CHECK(shard.tokens() == kTokens);
  CHECK(shard[3] == 599);
  std::vector<TokenId> middle(3);
  shard.read(2, middle);
  CHECK(middle == std::vector<TokenId>{2, 599, 300});
  CHECK(fs::file_size(path) == sizeof(TokenShardHeader) + 2 * kTokens.size());
  CHECK_THROWS_WITH(shard.read(6, middle), Contains("pass the end"));
  CHECK_THROWS_WITH(shard[8], Contains("past the end"));

  write_token_shard(path, std::vector<TokenId>{65535, 0}, 65536);
  CHECK(TokenShard(path).token_width() == 2);
  CHECK(TokenShard(path).tokens() == std::vector<TokenId>{65535, 0});
  fs::remove(path);
}

TEST_CASE("a token shard round-trips with 4-byte tokens for a vocabulary over 65536", "[trainer][shard]") {
  const std::string path = temp_path("four.bin");
  const std::vector<TokenId> tokens = {65536, 151935, 0, 100000};
  write_token_shard(path, tokens, 151936);
  const TokenShard shard(path);
  CHECK(shard.token_width() == 4);
  CHECK(shard.tokens() == tokens);
  CHECK(fs::file_size(path) == sizeof(TokenShardHeader) + 4 * tokens.size());
  fs::remove(path);
}

TEST_CASE("a token shard's header holds magic, version, width, count, vocabulary size and zlib's CRC-32",
          "[trainer][shard]") {
  // Tokens whose little-endian bytes spell "12345678": zlib.crc32(b"12345678") == 0x9ae0daaf.
  const std::string bytes = shard_bytes({0x3231, 0x3433, 0x3635, 0x3837}, 20000);
  REQUIRE(bytes.size() == 32 + 8);
  CHECK(bytes.substr(0, 8) == "SXTOKENS");
  CHECK(bytes.substr(32) == "12345678");
  const TokenShardHeader h = header_of(bytes);
  CHECK(h.version == 1);
  CHECK(h.token_bytes == 2);
  CHECK(h.token_count == 4);
  CHECK(h.vocab_size == 20000);
  CHECK(h.checksum == 0x9ae0daafu);
}

TEST_CASE("a token shard written in many pieces equals one written at once", "[trainer][shard]") {
  // Over a megabyte, so the writer's buffer is flushed several times.
  std::vector<TokenId> tokens(700000);
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<TokenId>((i * 2654435761u) % 50000);
  const std::string pieces_path = temp_path("pieces.bin");
  {
    TokenShardWriter writer(pieces_path, 50000);
    for (std::size_t i = 0; i < tokens.size(); i += 99991)
      writer.append(std::span(tokens).subspan(i, std::min<std::size_t>(99991, tokens.size() - i)));
    CHECK(writer.token_count() == tokens.size());
    writer.finish();
  }
  const std::string once = shard_bytes(tokens, 50000);
  CHECK(sextant::testing::read_all(pieces_path) == once);
  CHECK(TokenShard(pieces_path).tokens() == tokens);
  CHECK(header_of(once).checksum ==
        static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(once.data()) + 32, static_cast<uInt>(once.size() - 32))));
  fs::remove(pieces_path);
}

TEST_CASE("an empty token shard is valid", "[trainer][shard]") {
  const std::string path = temp_path("empty.bin");
  write_token_shard(path, {}, 10);
  CHECK(TokenShard(path).size() == 0);
  CHECK(fs::file_size(path) == sizeof(TokenShardHeader));
  fs::remove(path);
}

TEST_CASE("a token shard writer leaves nothing behind unless finished, and refuses ids outside the vocabulary",
          "[trainer][shard]") {
  const std::string dir = temp_path("dir");
  fs::create_directories(dir);
  const std::string path = dir + "/shard.bin";
  {
    TokenShardWriter writer(path, 100);
    writer.append(std::vector<TokenId>{1, 2, 3});
    CHECK_THROWS_WITH(writer.append(std::vector<TokenId>{4, 100}),
                      Contains(path) && Contains("token 4 of the shard is 100"));
    CHECK_THROWS_WITH(writer.append(std::vector<TokenId>{-1}), Contains("is -1, outside the vocabulary of 100"));
  }
  CHECK(fs::is_empty(dir));
  {
    TokenShardWriter writer(path, 100);
    writer.append(std::vector<TokenId>{1, 2, 3});
    CHECK_THROWS(writer.append(std::vector<TokenId>{4, 100}));  // refused whole: 4 is not kept
    writer.append(std::vector<TokenId>{5});
    CHECK(writer.token_count() == 4);
    writer.finish();
  }
  CHECK(TokenShard(path).tokens() == std::vector<TokenId>{1, 2, 3, 5});
  fs::remove(path);
  {
    TokenShardWriter writer(path, 100);
    writer.append(std::vector<TokenId>{1, 2, 3});
    writer.finish();
    CHECK_THROWS(writer.append(std::vector<TokenId>{1}));
  }
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary left
  CHECK(TokenShard(path).size() == 3);
  CHECK_THROWS_WITH(TokenShardWriter(path, 0), Contains("vocab_size 0"));
  fs::remove_all(dir);
}

TEST_CASE("a token shard with a bad magic is rejected naming the file and the magic", "[trainer][shard]") {
  std::string bytes = shard_bytes(kTokens, 600);
  bytes[0] = 'X';
  check_rejected("magic.bin", bytes, "magic is \"XXTOKENS\", expected \"SXTOKENS\"");
  check_rejected("text.bin", std::string(40, 'a'), "not a token shard");
}

TEST_CASE("a token shard of another version is rejected naming the version", "[trainer][shard]") {
  const std::string bytes = shard_bytes(kTokens, 600);
  TokenShardHeader h = header_of(bytes);
  h.version = 2;
  check_rejected("version.bin", with_header(bytes, h), "version is 2, expected 1");
}

TEST_CASE("a token shard with a bad token width is rejected naming token_bytes", "[trainer][shard]") {
  const std::string bytes = shard_bytes(kTokens, 600);
  TokenShardHeader h = header_of(bytes);
  h.token_bytes = 3;
  check_rejected("width3.bin", with_header(bytes, h), "token_bytes is 3, expected 2 or 4");
  h.token_bytes = 4;
  h.token_count = kTokens.size() / 2;  // the same length in bytes
  check_rejected("width4.bin", with_header(bytes, h), "token_bytes is 4, but a vocab_size of 600 takes 2");
}

TEST_CASE("a truncated token shard is rejected naming what is missing", "[trainer][shard]") {
  const std::string bytes = shard_bytes(kTokens, 600);
  check_rejected("header.bin", bytes.substr(0, 20), "the header is truncated: the file has 20 bytes, a header 32");
  check_rejected("data.bin", bytes.substr(0, bytes.size() - 1),
                 "the token data is truncated: token_count is 8 tokens of 2 bytes, but 15");
  check_rejected("nodata.bin", bytes.substr(0, 32), "the token data is truncated");
}

TEST_CASE("a token shard whose token_count disagrees with its length is rejected", "[trainer][shard]") {
  const std::string bytes = shard_bytes(kTokens, 600);
  check_rejected("extra.bin", bytes + std::string(2, '\0'),
                 "token_count is 8 tokens of 2 bytes (16 bytes), but 18 bytes follow");
  TokenShardHeader h = header_of(bytes);
  h.token_count = 7;
  check_rejected("count.bin", with_header(bytes, h),
                 "token_count is 7 tokens of 2 bytes (14 bytes), but 16 bytes follow");
  h.token_count = ~std::uint64_t{0};
  check_rejected("huge.bin", with_header(bytes, h), "the token data is truncated");
}

TEST_CASE("a token shard with corrupt token data fails its checksum", "[trainer][shard]") {
  std::string bytes = shard_bytes(kTokens, 600);
  bytes[40] ^= 0x01;
  check_rejected("crc.bin", bytes, "checksum is");
  check_rejected("crc.bin", bytes, "the data is corrupt");
}

TEST_CASE("a token shard with an id outside its vocabulary is rejected naming the token", "[trainer][shard]") {
  std::string bytes = shard_bytes(kTokens, 600);
  const std::uint16_t big = 700;
  std::memcpy(bytes.data() + 32 + 2 * 5, &big, 2);
  TokenShardHeader h = header_of(bytes);
  h.checksum = static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data()) + 32, 16));
  check_rejected("range.bin", with_header(bytes, h), "token 5 is 700, outside vocab_size 600");
}
