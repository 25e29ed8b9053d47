// A source's training documents as one token stream (each document followed by the end-of-document
// token), and the position training has reached in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sextant::trainer {

class TokenStream {
 public:
  TokenStream(std::string name, std::vector<std::int32_t> tokens, std::int64_t documents);

  const std::string& name() const { return name_; }
  std::int64_t size() const { return static_cast<std::int64_t>(tokens_.size()); }
  std::int64_t documents() const { return documents_; }

  // Copies the next n + 1 tokens to out and moves on by n, so that the last token copied is
  // the first of the next take (every token is a target once). At the end of the stream it
  // goes on from the start and counts an epoch: until then no document is seen twice.
  void take(std::int64_t n, std::int32_t* out);

  // Where training is: a token index and how many times the stream ran out.
  std::int64_t position() const { return position_; }
  std::int64_t epoch() const { return epoch_; }
  void seek(std::int64_t position, std::int64_t epoch) { position_ = position, epoch_ = epoch; }

 private:
  std::string name_;
  std::vector<std::int32_t> tokens_;
  std::int64_t documents_ = 0;
  std::int64_t position_ = 0, epoch_ = 0;
};

}  // namespace sextant::trainer
