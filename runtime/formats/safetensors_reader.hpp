// Reader for safetensors files: the JSON header's tensor directory and memory-mapped tensor data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/mapped_file.hpp"
#include "runtime/tensor_type.hpp"

namespace sextant::runtime {

struct SafetensorsTensor {
  std::string name;
  std::string dtype;                // as stored: "F32", "BF16", "I64", ...
  std::optional<TensorType> type;   // the runtime's type for dtype, where it has one
  std::vector<std::int64_t> shape;  // outermost first, as PyTorch writes it
  const std::uint8_t* data = nullptr;
  std::size_t bytes = 0;

  std::int64_t elements() const;
};

class SafetensorsFile {
 public:
  // Parses and validates the whole header; throws sextant::Error naming the file and tensor.
  explicit SafetensorsFile(const std::string& path);

  const std::string& path() const { return file_->path(); }
  // Tensors in the order of their data.
  const std::vector<SafetensorsTensor>& tensors() const { return tensors_; }
  // The free-form "__metadata__" strings (e.g. format: pt).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  const SafetensorsTensor* find_tensor(const std::string& name) const;
  const SafetensorsTensor& tensor(const std::string& name) const;

 private:
  std::unique_ptr<MappedFile> file_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, std::size_t> tensor_index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace sextant::runtime
