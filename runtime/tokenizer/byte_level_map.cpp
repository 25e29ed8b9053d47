// The byte <-> code point table: printable Latin-1 bytes map to themselves, the rest to 256 + n.
#include "runtime/tokenizer/byte_level_map.hpp"

#include <array>
#include <cstdint>

#include "runtime/tokenizer/unicode.hpp"

namespace sextant::runtime {

namespace {

struct ByteMap {
  std::array<std::uint32_t, 256> to_cp{};
  std::array<std::string, 256> to_utf8;
  std::array<int, 256 + 68> from_cp;  // -1 where no byte maps
  ByteMap() {
    from_cp.fill(-1);
    std::uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool keep = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      to_cp[b] = keep ? static_cast<std::uint32_t>(b) : next++;
      append_utf8(to_utf8[b], to_cp[b]);
      from_cp[to_cp[b]] = b;
    }
  }
};

const ByteMap& byte_map() {
  static const ByteMap map;
  return map;
}

}  // namespace

std::string byte_level_encode(std::string_view bytes) {
  const ByteMap& m = byte_map();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += m.to_utf8[static_cast<unsigned char>(c)];
  return out;
}

std::string byte_level_decode(std::string_view mapped) {
  const ByteMap& m = byte_map();
  std::string out;
  for (std::uint32_t cp : utf8_to_codepoints(mapped)) {
    if (cp < m.from_cp.size() && m.from_cp[cp] >= 0) {
      out += static_cast<char>(m.from_cp[cp]);
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

}  // namespace sextant::runtime
