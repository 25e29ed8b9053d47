// Reader for GGUF v2/v3 model files: metadata, tensor directory and memory-mapped tensor data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/mapped_file.hpp"
#include "runtime/tensor_type.hpp"

namespace sextant::runtime {

enum class GgufValueType : std::uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};

// One metadata value. Integers of every width are widened; arrays hold their elements.
struct GgufValue {
  GgufValueType type = GgufValueType::UInt8;
  std::uint64_t u = 0;  // unsigned integers and bools
  std::int64_t i = 0;   // signed integers
  double f = 0.0;       // floats
  std::string s;        // strings
  GgufValueType element_type = GgufValueType::UInt8;  // arrays
  std::vector<GgufValue> elements;                     // arrays

  bool is_integer() const;
  bool is_float() const { return type == GgufValueType::Float32 || type == GgufValueType::Float64; }
};

struct GgufTensor {
  std::string name;
  std::vector<std::int64_t> ne;  // ne[0] is the innermost (contiguous) dimension
  TensorType type = TensorType::F32;
  std::uint64_t offset = 0;  // relative to the data section
  const std::uint8_t* data = nullptr;
  std::size_t bytes = 0;

  std::int64_t elements() const;
};

class GgufFile {
 public:
  // Parses and validates the whole directory; throws sextant::Error naming the file and field.
  explicit GgufFile(const std::string& path);

  const std::string& path() const { return file_->path(); }
  std::uint32_t version() const { return version_; }
  std::size_t alignment() const { return alignment_; }
  const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
  const std::vector<GgufTensor>& tensors() const { return tensors_; }

  bool has(const std::string& key) const { return metadata_.count(key) != 0; }
  const GgufValue& value(const std::string& key) const;
  // Typed accessors: throw naming the file and key when absent or of the wrong type.
  std::uint64_t get_uint(const std::string& key) const;
  std::uint64_t get_uint(const std::string& key, std::uint64_t fallback) const;
  double get_float(const std::string& key) const;
  double get_float(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::vector<std::string> get_string_array(const std::string& key) const;
  std::vector<double> get_float_array(const std::string& key) const;
  std::vector<std::int64_t> get_int_array(const std::string& key) const;

  // Frees a metadata value that has been consumed (the tokenizer's arrays take megabytes).
  void forget(const std::string& key) { metadata_.erase(key); }
  // Drops the resident pages of a range of the file (see MappedFile::release_pages).
  void release_pages(const std::uint8_t* begin, std::size_t length) const { file_->release_pages(begin, length); }

  const GgufTensor* find_tensor(const std::string& name) const;
  const GgufTensor& tensor(const std::string& name) const;

 private:
  std::unique_ptr<MappedFile> file_;
  std::uint32_t version_ = 0;
  std::size_t alignment_ = 32;
  std::map<std::string, GgufValue> metadata_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, std::size_t> tensor_index_;
};

}  // namespace sextant::runtime
