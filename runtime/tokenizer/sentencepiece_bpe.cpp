// SentencePiece-style BPE: spaces become U+2581, pieces merge by score, unknown bytes fall back to <0xNN>.
#include <queue>

#include "runtime/tokenizer/tokenizer.hpp"
#include "runtime/tokenizer/unicode.hpp"

namespace sextant::runtime {

namespace {

struct Piece {
  int prev, next;
  std::size_t begin, length;
};

struct Candidate {
  float score;
  int left;
  std::size_t size;
  bool operator<(const Candidate& o) const { return score < o.score || (score == o.score && left > o.left); }
};

}  // namespace

void Tokenizer::encode_sentencepiece(std::string_view raw, std::vector<TokenId>& out) const {
  std::string text;
  text.reserve(raw.size() + 8);
  for (char c : raw) {
    if (c == ' ') text += "\xe2\x96\x81";
    else text += c;
  }
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = std::min<std::size_t>(utf8_sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
    const int index = static_cast<int>(pieces.size());
    pieces.push_back({index - 1, index + 1, i, len});
    i += len;
  }
  if (pieces.empty()) return;
  pieces.back().next = -1;

  std::priority_queue<Candidate> queue;
  auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const Piece& a = pieces[static_cast<std::size_t>(left)];
    const Piece& b = pieces[static_cast<std::size_t>(right)];
    const TokenId id = find(text.substr(a.begin, a.length + b.length));
    if (id >= 0) queue.push({scores_[static_cast<std::size_t>(id)], left, a.length + b.length});
  };
  for (int i = 0; i + 1 < static_cast<int>(pieces.size()); ++i) try_add(i, i + 1);
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Piece& left = pieces[static_cast<std::size_t>(top.left)];
    if (left.length == 0 || left.next < 0) continue;
    Piece& right = pieces[static_cast<std::size_t>(left.next)];
    if (left.length + right.length != top.size) continue;
    left.length += right.length;
    right.length = 0;
    left.next = right.next;
    if (right.next >= 0) pieces[static_cast<std::size_t>(right.next)].prev = top.left;
    try_add(left.prev, top.left);
    try_add(top.left, left.next);
  }
  for (int i = 0; i >= 0; i = pieces[static_cast<std::size_t>(i)].next) {
    const Piece& p = pieces[static_cast<std::size_t>(i)];
    const std::string piece = text.substr(p.begin, p.length);
    if (TokenId id = find(piece); id >= 0) {
      out.push_back(id);
      continue;
    }
    for (unsigned char c : piece) {
      const TokenId id = byte_tokens_[c];
      out.push_back(id >= 0 ? id : unk_);
    }
  }
}

}  // namespace sextant::runtime
