// Token n-gram hashes over shards: rolled polynomial hashes, sorted and deduplicated per shard, then merged.
#include "trainer/data/ngram_index.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "trainer/data/hashing.hpp"
#include "trainer/data/token_shard.hpp"

namespace sextant::trainer {

namespace {

constexpr std::uint64_t kBase = 0x9e3779b97f4a7c15ull;  // odd, so multiplying by it is a bijection mod 2^64

void sort_unique(std::vector<std::uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Both sorted and distinct; the result too.
std::vector<std::uint64_t> merge_distinct(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::vector<std::uint64_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void check_n(int n) {
  if (n < 1 || n > 1000) fail("n-gram index: n must be in [1, 1000], not {}", n);
}

}  // namespace

std::vector<std::uint64_t> ngram_hashes(std::span<const runtime::TokenId> tokens, int n, runtime::TokenId separator) {
  std::vector<std::uint64_t> out;
  if (n < 1 || tokens.size() < static_cast<std::size_t>(n)) return out;
  out.reserve(tokens.size() - static_cast<std::size_t>(n) + 1);
  std::uint64_t top = 1;  // kBase^(n-1): the weight of the window's oldest token
  for (int i = 1; i < n; ++i) top *= kBase;
  std::uint64_t h = 0;
  std::size_t run = 0;  // tokens since the last separator
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == separator) {
      h = 0;
      run = 0;
      continue;
    }
    // +1 so that id 0 still moves the hash.
    if (run >= static_cast<std::size_t>(n))
      h -= (static_cast<std::uint64_t>(tokens[i - static_cast<std::size_t>(n)]) + 1) * top;
    h = h * kBase + static_cast<std::uint64_t>(tokens[i]) + 1;
    ++run;
    if (run >= static_cast<std::size_t>(n)) out.push_back(mix64(h ^ static_cast<std::uint64_t>(n)));
  }
  return out;
}

void NgramIndex::add(std::span<const runtime::TokenId> tokens) {
  std::vector<std::uint64_t> part = ngram_hashes(tokens, n_, separator_);
  tokens_ += tokens.size();
  sort_unique(part);
  hashes_ = hashes_.empty() ? std::move(part) : merge_distinct(hashes_, part);
}

void NgramIndex::seal() { hashes_.shrink_to_fit(); }

NgramIndex NgramIndex::from_tokens(const std::vector<std::vector<runtime::TokenId>>& documents, int n,
                                   runtime::TokenId separator) {
  check_n(n);
  NgramIndex index;
  index.n_ = n;
  index.separator_ = separator;
  for (const auto& d : documents) index.add(d);
  index.seal();
  return index;
}

NgramIndex NgramIndex::from_shards(const std::string& shards_dir, int n, runtime::TokenId separator) {
  check_n(n);
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(shards_dir, ec)) fail("{}: not a folder of token shards", shards_dir);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(shards_dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".bin") files.push_back(e.path().string());
  if (ec) fail("{}: cannot list the folder: {}", shards_dir, ec.message());
  if (files.empty()) fail("{}: no token shard (*.bin) in the folder", shards_dir);
  std::sort(files.begin(), files.end());

  NgramIndex index;
  index.n_ = n;
  index.separator_ = separator;
  ContentHash fingerprint;
  fingerprint.add("ngram=" + std::to_string(n) + ";separator=" + std::to_string(separator) + ";");
  for (const std::string& file : files) {
    const TokenShard shard(file);  // checks the header, checksum and ids
    // The header holds the token count and CRC of the ids: a cheap identity of the content.
    std::array<char, sizeof(TokenShardHeader)> header{};
    std::ifstream(file, std::ios::binary).read(header.data(), header.size());
    fingerprint.add(fs::path(file).filename().string()).add(std::string_view(header.data(), header.size()));
    index.add(shard.tokens());
    index.files_.push_back(file);
  }
  index.fingerprint_ = fingerprint.hex();
  index.seal();
  return index;
}

bool NgramIndex::contains(std::uint64_t hash) const { return std::binary_search(hashes_.begin(), hashes_.end(), hash); }

NgramOverlap NgramIndex::overlap(std::span<const runtime::TokenId> tokens) const {
  NgramOverlap o;
  for (std::uint64_t h : ngram_hashes(tokens, n_, separator_)) {
    ++o.ngrams;
    o.matched += contains(h);
  }
  return o;
}

}  // namespace sextant::trainer
