// Serialising a GGUF v3 file: typed metadata key/values, the tensor directory, aligned tensor data.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "runtime/tensor_type.hpp"

namespace sextant::trainer {

// Collects metadata and tensors in the order they are added, then writes them in the layout
// runtime/formats/gguf_reader.cpp and llama.cpp read: header, key/values, tensor infos,
// zero padding to the alignment, each tensor's data padded to the alignment.
class GgufWriter {
 public:
  // Records general.alignment (u32) as the first key.
  explicit GgufWriter(std::uint32_t alignment = 32);

  // Each key may be added once; throws sextant::Error naming a repeated or empty key.
  void add_uint32(const std::string& key, std::uint32_t value);
  void add_int32(const std::string& key, std::int32_t value);
  void add_float32(const std::string& key, float value);
  void add_bool(const std::string& key, bool value);
  void add_string(const std::string& key, const std::string& value);
  void add_string_array(const std::string& key, const std::vector<std::string>& values);
  void add_int32_array(const std::string& key, const std::vector<std::int32_t>& values);
  void add_float32_array(const std::string& key, const std::vector<float>& values);

  // A tensor of shape `ne` (innermost first, as GGUF stores it: a [rows, cols] matrix is
  // {cols, rows}) whose `data` is already in `type`'s block layout. Throws naming the tensor
  // when the name repeats or is too long for llama.cpp, or the rows are not whole blocks, or
  // the data is not the size the shape gives.
  void add_tensor(const std::string& name, const std::vector<std::int64_t>& ne, runtime::TensorType type,
                  std::string data);

  std::size_t tensor_count() const { return tensors_.size(); }
  // The whole file.
  std::string bytes() const;
  // Writes bytes() to `path` through a temporary file and a rename.
  void write(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    std::vector<std::int64_t> ne;
    runtime::TensorType type;
    std::string data;
  };

  // Appends a key and its value type; the caller appends the value.
  void begin_key(const std::string& key, std::uint32_t value_type);

  std::uint32_t alignment_;
  std::string metadata_;  // the serialised key/values
  std::uint64_t key_count_ = 0;
  std::set<std::string> keys_;
  std::vector<Tensor> tensors_;
  std::set<std::string> tensor_names_;
};

}  // namespace sextant::trainer
