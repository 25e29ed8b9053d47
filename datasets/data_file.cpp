// Whole-file reads through zlib, which passes plain files through unchanged.
#include "datasets/data_file.hpp"

#include <zlib.h>

#include "core/error.hpp"

namespace sextant::datasets {

std::string read_data_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) fail("{}: cannot open", path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      fail("{}: cannot read: {}", path, msg);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return out;
}

}  // namespace sextant::datasets
