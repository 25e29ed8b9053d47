// Writes the GGUF v3 layout, little-endian, with u64 counts and string lengths.
#include "trainer/checkpoint/gguf_writer.hpp"

#include <bit>
#include <cstring>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "runtime/formats/gguf_reader.hpp"

namespace sextant::trainer {

namespace {

static_assert(std::endian::native == std::endian::little, "GGUF files are written little-endian");

using runtime::GgufValueType;

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr std::uint32_t kVersion = 3;
constexpr std::size_t kMaxTensorName = 63;  // llama.cpp's GGML_MAX_NAME (64) less the NUL
constexpr std::size_t kMaxDims = 4;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_string(std::string& out, const std::string& s) {
  put<std::uint64_t>(out, s.size());
  out += s;
}

void put_type(std::string& out, GgufValueType type) { put<std::uint32_t>(out, static_cast<std::uint32_t>(type)); }

void pad_to(std::string& out, std::size_t alignment) {
  out.append((alignment - out.size() % alignment) % alignment, '\0');
}

std::size_t padded(std::size_t n, std::size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

GgufWriter::GgufWriter(std::uint32_t alignment) : alignment_(alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % 8 != 0)
    fail("GGUF alignment {} is not a power of two of at least 8", alignment);
  add_uint32("general.alignment", alignment);
}

void GgufWriter::begin_key(const std::string& key, std::uint32_t value_type) {
  if (key.empty() || key.size() > 65535) fail("GGUF metadata key \"{}\" must have 1 to 65535 bytes", key);
  if (!keys_.insert(key).second) fail("GGUF metadata key {} is added twice", key);
  put_string(metadata_, key);
  put<std::uint32_t>(metadata_, value_type);
  ++key_count_;
}

void GgufWriter::add_uint32(const std::string& key, std::uint32_t value) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::UInt32));
  put(metadata_, value);
}

void GgufWriter::add_int32(const std::string& key, std::int32_t value) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Int32));
  put(metadata_, value);
}

void GgufWriter::add_float32(const std::string& key, float value) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Float32));
  put(metadata_, value);
}

void GgufWriter::add_bool(const std::string& key, bool value) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Bool));
  put<std::uint8_t>(metadata_, value ? 1 : 0);
}

void GgufWriter::add_string(const std::string& key, const std::string& value) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::String));
  put_string(metadata_, value);
}

void GgufWriter::add_string_array(const std::string& key, const std::vector<std::string>& values) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Array));
  put_type(metadata_, GgufValueType::String);
  put<std::uint64_t>(metadata_, values.size());
  for (const std::string& v : values) put_string(metadata_, v);
}

void GgufWriter::add_int32_array(const std::string& key, const std::vector<std::int32_t>& values) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Array));
  put_type(metadata_, GgufValueType::Int32);
  put<std::uint64_t>(metadata_, values.size());
  for (std::int32_t v : values) put(metadata_, v);
}

void GgufWriter::add_float32_array(const std::string& key, const std::vector<float>& values) {
  begin_key(key, static_cast<std::uint32_t>(GgufValueType::Array));
  put_type(metadata_, GgufValueType::Float32);
  put<std::uint64_t>(metadata_, values.size());
  for (float v : values) put(metadata_, v);
}

void GgufWriter::add_tensor(const std::string& name, const std::vector<std::int64_t>& ne, runtime::TensorType type,
                            std::string data) {
  if (name.empty() || name.size() > kMaxTensorName)
    fail("GGUF tensor name \"{}\" must have 1 to {} bytes", name, kMaxTensorName);
  if (ne.empty() || ne.size() > kMaxDims)
    fail("GGUF tensor {}: {} dimensions (1 to {} allowed)", name, ne.size(), kMaxDims);
  const runtime::TensorTypeTraits& traits = runtime::tensor_type_traits(type);
  std::int64_t elements = 1;
  for (std::int64_t d : ne) {
    if (d <= 0) fail("GGUF tensor {}: dimension of size {}", name, d);
    elements *= d;
  }
  if (ne[0] % traits.block_size != 0)
    fail("GGUF tensor {}: rows of {} elements are not whole {} blocks of {}", name, ne[0], traits.name,
         traits.block_size);
  const std::size_t expected = static_cast<std::size_t>(elements / traits.block_size) * traits.block_bytes;
  if (data.size() != expected)
    fail("GGUF tensor {}: {} bytes of data where its shape and type {} take {}", name, data.size(), traits.name,
         expected);
  if (!tensor_names_.insert(name).second) fail("GGUF tensor {} is added twice", name);
  tensors_.push_back({name, ne, type, std::move(data)});
}

std::string GgufWriter::bytes() const {
  std::string out;
  put(out, kMagic);
  put(out, kVersion);
  put<std::uint64_t>(out, tensors_.size());
  put<std::uint64_t>(out, key_count_);
  out += metadata_;
  std::uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    put_string(out, t.name);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.ne.size()));
    for (std::int64_t d : t.ne) put<std::uint64_t>(out, static_cast<std::uint64_t>(d));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(t.type));
    put<std::uint64_t>(out, offset);
    offset += padded(t.data.size(), alignment_);
  }
  pad_to(out, alignment_);
  out.reserve(out.size() + offset);
  for (const Tensor& t : tensors_) {
    out += t.data;
    pad_to(out, alignment_);
  }
  return out;
}

void GgufWriter::write(const std::string& path) const { write_file_atomically(path, bytes()); }

}  // namespace sextant::trainer
