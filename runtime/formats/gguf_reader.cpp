// GGUF parsing with a bounds-checked cursor: every length and count is checked against the file.
#include "runtime/formats/gguf_reader.hpp"

#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace sextant::runtime {

namespace {

constexpr std::uint32_t kGgufMagic = 0x46554747;  // "GGUF" little-endian
constexpr std::uint64_t kMaxTensors = 1u << 20;
constexpr std::uint64_t kMaxKeys = 1u << 20;
constexpr int kMaxDims = 4;
constexpr int kMaxNesting = 4;

class Cursor {
 public:
  Cursor(const MappedFile& file) : file_(file) {}

  std::size_t pos() const { return pos_; }
  std::size_t left() const { return file_.size() - pos_; }

  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, file_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string read_string(const char* what) {
    const auto len = read<std::uint64_t>(what);
    if (len > left()) fail("{}: {} at offset {}: string length {} runs past the end of the file", file_.path(), what, pos_ - 8, len);
    std::string s(reinterpret_cast<const char*>(file_.data() + pos_), len);
    pos_ += len;
    return s;
  }

  void need(std::size_t n, const char* what) const {
    if (n > left()) fail("{}: truncated: {} at offset {} needs {} bytes, {} left", file_.path(), what, pos_, n, left());
  }

 private:
  const MappedFile& file_;
  std::size_t pos_ = 0;
};

std::size_t scalar_size(GgufValueType t) {
  switch (t) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::Bool:
      return 1;
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
      return 2;
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::Float32:
      return 4;
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
    case GgufValueType::Float64:
      return 8;
    case GgufValueType::String:
      return 8;  // at least its length
    case GgufValueType::Array:
      return 12;  // at least its header
  }
  return 1;
}

GgufValue read_value(Cursor& c, GgufValueType type, const std::string& key, const std::string& path, int depth) {
  GgufValue v;
  v.type = type;
  const char* what = key.c_str();
  switch (type) {
    case GgufValueType::UInt8: v.u = c.read<std::uint8_t>(what); break;
    case GgufValueType::Int8: v.i = c.read<std::int8_t>(what); break;
    case GgufValueType::UInt16: v.u = c.read<std::uint16_t>(what); break;
    case GgufValueType::Int16: v.i = c.read<std::int16_t>(what); break;
    case GgufValueType::UInt32: v.u = c.read<std::uint32_t>(what); break;
    case GgufValueType::Int32: v.i = c.read<std::int32_t>(what); break;
    case GgufValueType::UInt64: v.u = c.read<std::uint64_t>(what); break;
    case GgufValueType::Int64: v.i = c.read<std::int64_t>(what); break;
    case GgufValueType::Float32: v.f = c.read<float>(what); break;
    case GgufValueType::Float64: v.f = c.read<double>(what); break;
    case GgufValueType::Bool: {
      const auto b = c.read<std::uint8_t>(what);
      if (b > 1) fail("{}: metadata {}: bool value {} is neither 0 nor 1", path, key, b);
      v.u = b;
      break;
    }
    case GgufValueType::String: v.s = c.read_string(what); break;
    case GgufValueType::Array: {
      if (depth >= kMaxNesting) fail("{}: metadata {}: arrays nested deeper than {}", path, key, kMaxNesting);
      const auto et = c.read<std::uint32_t>(what);
      if (et > static_cast<std::uint32_t>(GgufValueType::Float64))
        fail("{}: metadata {}: unknown array element type {}", path, key, et);
      v.element_type = static_cast<GgufValueType>(et);
      const auto n = c.read<std::uint64_t>(what);
      if (n > c.left() / scalar_size(v.element_type))
        fail("{}: metadata {}: array of {} elements runs past the end of the file", path, key, n);
      v.elements.reserve(n);
      for (std::uint64_t k = 0; k < n; ++k) v.elements.push_back(read_value(c, v.element_type, key, path, depth + 1));
      break;
    }
    default:
      fail("{}: metadata {}: unknown value type {}", path, key, static_cast<std::uint32_t>(type));
  }
  return v;
}

const char* type_name(GgufValueType t) {
  static const char* names[] = {"uint8", "int8",  "uint16", "int16", "uint32", "int32", "float32",
                                "bool",  "string", "array", "uint64", "int64", "float64"};
  return names[static_cast<std::uint32_t>(t)];
}

}  // namespace

bool GgufValue::is_integer() const {
  switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
      return true;
    default:
      return false;
  }
}

std::int64_t GgufTensor::elements() const {
  std::int64_t n = 1;
  for (auto d : ne) n *= d;
  return n;
}

GgufFile::GgufFile(const std::string& path) : file_(std::make_unique<MappedFile>(path)) {
  Cursor c(*file_);
  const auto magic = c.read<std::uint32_t>("magic");
  if (magic != kGgufMagic) fail("{}: not a GGUF file (magic 0x{:08x}, expected \"GGUF\")", path, magic);
  version_ = c.read<std::uint32_t>("version");
  if (version_ == 1) fail("{}: GGUF version 1 is not supported (versions 2 and 3 are)", path);
  if ((version_ & 0xffff) == 0) fail("{}: GGUF version 0x{:x} looks byte-swapped (big-endian file?)", path, version_);
  if (version_ > 3) fail("{}: GGUF version {} is newer than this reader (versions 2 and 3)", path, version_);
  const auto n_tensors = c.read<std::uint64_t>("tensor_count");
  const auto n_kv = c.read<std::uint64_t>("metadata_kv_count");
  if (n_tensors > kMaxTensors) fail("{}: tensor_count {} is implausible", path, n_tensors);
  if (n_kv > kMaxKeys) fail("{}: metadata_kv_count {} is implausible", path, n_kv);

  for (std::uint64_t k = 0; k < n_kv; ++k) {
    std::string key = c.read_string("metadata key");
    const auto t = c.read<std::uint32_t>(key.c_str());
    if (t > static_cast<std::uint32_t>(GgufValueType::Float64)) fail("{}: metadata {}: unknown value type {}", path, key, t);
    GgufValue v = read_value(c, static_cast<GgufValueType>(t), key, path, 0);
    if (metadata_.count(key)) fail("{}: metadata key {} appears twice", path, key);
    metadata_.emplace(std::move(key), std::move(v));
  }

  if (has("general.alignment")) {
    const auto& a = value("general.alignment");
    if (a.type != GgufValueType::UInt32) fail("{}: general.alignment must be uint32, found {}", path, type_name(a.type));
    if (a.u == 0 || (a.u & (a.u - 1)) != 0) fail("{}: general.alignment {} is not a power of two", path, a.u);
    alignment_ = a.u;
  }

  tensors_.reserve(n_tensors);
  for (std::uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensor t;
    t.name = c.read_string("tensor name");
    const auto n_dims = c.read<std::uint32_t>(t.name.c_str());
    if (n_dims == 0 || n_dims > kMaxDims) fail("{}: tensor {}: {} dimensions (1 to {} allowed)", path, t.name, n_dims, kMaxDims);
    std::int64_t n = 1;
    for (std::uint32_t d = 0; d < n_dims; ++d) {
      const auto ne = c.read<std::uint64_t>(t.name.c_str());
      if (ne == 0 || ne > (1ull << 40) || static_cast<std::uint64_t>(n) > (1ull << 50) / ne)
        fail("{}: tensor {}: dimension {} of size {} is out of range", path, t.name, d, ne);
      t.ne.push_back(static_cast<std::int64_t>(ne));
      n *= static_cast<std::int64_t>(ne);
    }
    const auto type_id = c.read<std::uint32_t>(t.name.c_str());
    const TensorTypeTraits* traits = find_tensor_type(type_id);
    if (!traits) fail("{}: tensor {}: unsupported tensor type id {}", path, t.name, type_id);
    t.type = traits->type;
    if (t.ne[0] % traits->block_size != 0)
      fail("{}: tensor {}: row of {} elements is not a whole number of {} blocks of {}", path, t.name, t.ne[0],
           traits->name, traits->block_size);
    t.bytes = static_cast<std::size_t>(n / traits->block_size) * traits->block_bytes;
    t.offset = c.read<std::uint64_t>(t.name.c_str());
    if (t.offset % alignment_ != 0) fail("{}: tensor {}: offset {} is not aligned to {}", path, t.name, t.offset, alignment_);
    if (tensor_index_.count(t.name)) fail("{}: tensor {} appears twice", path, t.name);
    tensor_index_.emplace(t.name, tensors_.size());
    tensors_.push_back(std::move(t));
  }

  const std::size_t data_start = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
  for (auto& t : tensors_) {
    if (data_start > file_->size() || t.offset > file_->size() - data_start || t.bytes > file_->size() - data_start - t.offset)
      fail("{}: tensor {}: data ({} bytes at offset {}) runs past the end of the file ({} bytes); the file is truncated",
           path, t.name, t.bytes, data_start + t.offset, file_->size());
    t.data = file_->data() + data_start + t.offset;
  }
}

const GgufValue& GgufFile::value(const std::string& key) const {
  auto it = metadata_.find(key);
  if (it == metadata_.end()) fail("{}: metadata key {} is missing", path(), key);
  return it->second;
}

std::uint64_t GgufFile::get_uint(const std::string& key) const {
  const auto& v = value(key);
  if (v.is_integer()) {
    if (v.i < 0) fail("{}: metadata {}: expected a non-negative integer, found {}", path(), key, v.i);
    return v.u ? v.u : static_cast<std::uint64_t>(v.i);
  }
  fail("{}: metadata {}: expected an integer, found {}", path(), key, type_name(v.type));
}

std::uint64_t GgufFile::get_uint(const std::string& key, std::uint64_t fallback) const {
  return has(key) ? get_uint(key) : fallback;
}

double GgufFile::get_float(const std::string& key) const {
  const auto& v = value(key);
  if (v.is_float()) return v.f;
  if (v.is_integer()) return v.u ? static_cast<double>(v.u) : static_cast<double>(v.i);
  fail("{}: metadata {}: expected a number, found {}", path(), key, type_name(v.type));
}

double GgufFile::get_float(const std::string& key, double fallback) const {
  return has(key) ? get_float(key) : fallback;
}

bool GgufFile::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = value(key);
  if (v.type != GgufValueType::Bool) fail("{}: metadata {}: expected a bool, found {}", path(), key, type_name(v.type));
  return v.u != 0;
}

std::string GgufFile::get_string(const std::string& key) const {
  const auto& v = value(key);
  if (v.type != GgufValueType::String) fail("{}: metadata {}: expected a string, found {}", path(), key, type_name(v.type));
  return v.s;
}

std::string GgufFile::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

std::vector<std::string> GgufFile::get_string_array(const std::string& key) const {
  const auto& v = value(key);
  if (v.type != GgufValueType::Array || v.element_type != GgufValueType::String)
    fail("{}: metadata {}: expected an array of strings", path(), key);
  std::vector<std::string> out;
  out.reserve(v.elements.size());
  for (const auto& e : v.elements) out.push_back(e.s);
  return out;
}

std::vector<double> GgufFile::get_float_array(const std::string& key) const {
  const auto& v = value(key);
  if (v.type != GgufValueType::Array || !(v.elements.empty() || v.elements[0].is_float() || v.elements[0].is_integer()))
    fail("{}: metadata {}: expected an array of numbers", path(), key);
  std::vector<double> out;
  out.reserve(v.elements.size());
  for (const auto& e : v.elements) out.push_back(e.is_float() ? e.f : (e.u ? static_cast<double>(e.u) : static_cast<double>(e.i)));
  return out;
}

std::vector<std::int64_t> GgufFile::get_int_array(const std::string& key) const {
  const auto& v = value(key);
  if (v.type != GgufValueType::Array || !(v.elements.empty() || v.elements[0].is_integer()))
    fail("{}: metadata {}: expected an array of integers", path(), key);
  std::vector<std::int64_t> out;
  out.reserve(v.elements.size());
  for (const auto& e : v.elements) out.push_back(e.u ? static_cast<std::int64_t>(e.u) : e.i);
  return out;
}

const GgufTensor* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensor& GgufFile::tensor(const std::string& name) const {
  const GgufTensor* t = find_tensor(name);
  if (!t) fail("{}: tensor {} is missing", path(), name);
  return *t;
}

}  // namespace sextant::runtime
