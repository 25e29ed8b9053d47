// Fuzzes the GGUF reader: any bytes must give a parsed file or a sextant::Error, never a crash.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "tests/fuzz/fuzz_input_file.hpp"
#include "runtime/formats/gguf_reader.hpp"
#include "runtime/model/gguf_model_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sextant::testing::write_fuzz_input(data, size, "gguf");
  if (path.empty()) return 0;
  try {
    sextant::runtime::GgufFile file(path);
    // Touch every tensor's bytes so that an out-of-range pointer would be caught.
    std::uint64_t sum = 0;
    for (const auto& t : file.tensors())
      for (std::size_t i = 0; i < t.bytes; i += 4096) sum += t.data[i];
    try {
      const auto config = sextant::runtime::read_gguf_config(file);
      (void)sextant::runtime::bind_gguf_weights(file, config);
    } catch (const sextant::Error&) {
    }
    return static_cast<int>(sum & 0);
  } catch (const sextant::Error&) {
    return 0;
  }
}
