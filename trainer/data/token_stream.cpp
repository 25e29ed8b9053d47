// Taking consecutive windows from a source's token stream.
#include "trainer/data/token_stream.hpp"

#include "core/error.hpp"

namespace sextant::trainer {

TokenStream::TokenStream(std::string name, std::vector<std::int32_t> tokens, std::int64_t documents)
    : name_(std::move(name)), tokens_(std::move(tokens)), documents_(documents) {
  if (tokens_.size() < 2) fail("source {}: too little text to train on", name_);
}

void TokenStream::take(std::int64_t n, std::int32_t* out) {
  std::int64_t p = position_;
  for (std::int64_t i = 0; i <= n; ++i) {
    if (p == size()) p = 0;
    out[i] = tokens_[static_cast<std::size_t>(p++)];
  }
  position_ += n;
  while (position_ >= size()) {
    position_ -= size();
    ++epoch_;
  }
}

}  // namespace sextant::trainer
