// Packs training sequences from several token streams in a stage's mixture.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trainer/data/token_stream.hpp"
#include "trainer/model/token_batch.hpp"

namespace sextant::trainer {

class SequencePacker {
 public:
  SequencePacker(std::vector<TokenStream>& streams, std::int32_t end_of_document, std::uint64_t seed);

  // Fills every sequence of `batch` (T tokens of input, T targets). Sequence number n of the
  // whole run (counted across stages and micro-batches) draws its source from `mixture`
  // with a generator seeded by (seed, n): the draw needs no state, so a resumed run packs
  // exactly what the uninterrupted one did. Inside a sequence, attention and positions
  // restart at each end-of-document token: it opens the next document (at position 0, it
  // predicts that document's first token), and no token sees the document before it.
  void fill(TokenBatch& batch, const std::map<std::string, double>& mixture, std::int64_t first_sequence);

  std::vector<TokenStream>& streams() { return streams_; }

 private:
  TokenStream& pick(const std::map<std::string, double>& mixture, std::int64_t sequence);

  std::vector<TokenStream>& streams_;
  std::int32_t end_of_document_;
  std::uint64_t seed_;
  std::vector<std::int32_t> window_;
};

}  // namespace sextant::trainer
