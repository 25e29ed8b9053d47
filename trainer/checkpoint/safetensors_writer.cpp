// Writes the safetensors layout: 8-byte little-endian header length, JSON header, tensor data.
#include "trainer/checkpoint/safetensors_writer.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

namespace sextant::trainer {

std::string safetensors_bytes(const std::vector<TensorToWrite>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const TensorToWrite& t : tensors) {
    std::uint64_t elements = 1;
    for (std::int64_t d : t.shape) elements *= static_cast<std::uint64_t>(d);
    const std::uint64_t bytes = elements * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const std::uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out += json;
  const std::size_t data_start = out.size();
  out.resize(data_start + offset);
  char* p = out.data() + data_start;
  for (const TensorToWrite& t : tensors) {
    std::size_t elements = 1;
    for (std::int64_t d : t.shape) elements *= static_cast<std::size_t>(d);
    std::memcpy(p, t.data, elements * sizeof(float));
    p += elements * sizeof(float);
  }
  return out;
}

}  // namespace sextant::trainer
