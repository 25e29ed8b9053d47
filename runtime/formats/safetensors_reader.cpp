// safetensors parsing: an 8-byte little-endian header length, a JSON header, then the data;
// every dtype, shape and offset is checked against the file before a tensor is handed out.
#include "runtime/formats/safetensors_reader.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/formats/json_file.hpp"

namespace sextant::runtime {

namespace {

struct Dtype {
  const char* name;
  std::size_t bytes;
  std::optional<TensorType> type;
};

// Every dtype the format defines with a whole number of bytes per element; the runtime
// computes with the three float types, the others are only sized so that a file holding
// them still parses.
constexpr Dtype kDtypes[] = {
    {"F64", 8, std::nullopt},      {"F32", 4, TensorType::F32},  {"F16", 2, TensorType::F16},
    {"BF16", 2, TensorType::BF16}, {"I64", 8, std::nullopt},     {"I32", 4, std::nullopt},
    {"I16", 2, std::nullopt},      {"I8", 1, std::nullopt},      {"U64", 8, std::nullopt},
    {"U32", 4, std::nullopt},      {"U16", 2, std::nullopt},     {"U8", 1, std::nullopt},
    {"BOOL", 1, std::nullopt},     {"F8_E4M3", 1, std::nullopt}, {"F8_E5M2", 1, std::nullopt},
};

const Dtype* find_dtype(const std::string& name) {
  for (const Dtype& d : kDtypes)
    if (name == d.name) return &d;
  return nullptr;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A non-negative integer field of a tensor entry.
std::uint64_t entry_uint(const nlohmann::json& v, const std::string& path, const std::string& name, const char* field) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    fail("{}: tensor {}: {} holds {}, expected non-negative integers", path, name, field, json_excerpt(v));
  return v.get<std::uint64_t>();
}

}  // namespace

std::int64_t SafetensorsTensor::elements() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : file_(std::make_unique<MappedFile>(path)) {
  const std::size_t size = file_->size();
  if (size < 8) fail("{}: truncated: {} bytes, too short for the 8-byte header length", path, size);
  std::uint64_t header_len = 0;
  std::memcpy(&header_len, file_->data(), 8);  // little-endian on every supported host
  if (header_len > size - 8)
    fail("{}: header length {} runs past the end of the file ({} bytes): truncated or not a safetensors file", path,
         header_len, size);
  const char* header = reinterpret_cast<const char*>(file_->data() + 8);
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(header, header + header_len);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: the header is not valid JSON: {}", path, e.what());
  }
  if (!h.is_object()) fail("{}: the header is a JSON {}, expected an object", path, h.type_name());

  const std::uint8_t* data = file_->data() + 8 + header_len;
  const std::uint64_t data_size = size - 8 - header_len;
  for (const auto& [name, entry] : h.items()) {
    if (name == "__metadata__") {
      if (entry.is_object())
        for (const auto& [key, value] : entry.items())
          if (value.is_string()) metadata_[key] = value.get<std::string>();
      continue;
    }
    if (!entry.is_object())
      fail("{}: tensor {}: the header entry is a JSON {}, expected an object", path, name, entry.type_name());
    SafetensorsTensor t;
    t.name = name;
    const auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string())
      fail("{}: tensor {}: dtype is missing or not a string", path, name);
    t.dtype = dtype->get<std::string>();
    const Dtype* dt = find_dtype(t.dtype);
    if (!dt) fail("{}: tensor {}: unknown dtype \"{}\"", path, name, t.dtype);
    t.type = dt->type;

    const auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) fail("{}: tensor {}: shape is missing or not an array", path, name);
    std::uint64_t elements = 1;
    for (const auto& d : *shape) {
      const std::uint64_t dim = entry_uint(d, path, name, "shape");
      if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          (dim != 0 && elements > std::numeric_limits<std::uint64_t>::max() / dt->bytes / dim))
        fail("{}: tensor {}: shape {} is too large", path, name, json_excerpt(*shape));
      elements *= dim;
      t.shape.push_back(static_cast<std::int64_t>(dim));
    }

    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2)
      fail("{}: tensor {}: data_offsets is missing or not a [begin, end] pair", path, name);
    const std::uint64_t begin = entry_uint((*offsets)[0], path, name, "data_offsets");
    const std::uint64_t end = entry_uint((*offsets)[1], path, name, "data_offsets");
    if (begin > end) fail("{}: tensor {}: data_offsets [{}, {}] end before they begin", path, name, begin, end);
    if (end > data_size)
      fail("{}: tensor {}: data_offsets [{}, {}] run past the end of the data ({} bytes): the file is truncated", path,
           name, begin, end, data_size);
    if (end - begin != elements * dt->bytes)
      fail("{}: tensor {}: data_offsets [{}, {}] hold {} bytes, but shape {} of {} needs {}", path, name, begin, end,
           end - begin, shape_string(t.shape), t.dtype, elements * dt->bytes);
    t.data = data + begin;
    t.bytes = static_cast<std::size_t>(end - begin);
    tensors_.push_back(std::move(t));
  }
  std::stable_sort(tensors_.begin(), tensors_.end(),
                   [](const SafetensorsTensor& a, const SafetensorsTensor& b) { return a.data < b.data; });
  for (std::size_t i = 0; i < tensors_.size(); ++i) tensor_index_.emplace(tensors_[i].name, i);
}

const SafetensorsTensor* SafetensorsFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const SafetensorsTensor& SafetensorsFile::tensor(const std::string& name) const {
  const SafetensorsTensor* t = find_tensor(name);
  if (!t) fail("{}: tensor {} is missing", path(), name);
  return *t;
}

}  // namespace sextant::runtime
