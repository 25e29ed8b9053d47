// A read-only memory map of a whole file, owned for its lifetime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace sextant {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  // Lets the kernel drop the resident pages of a byte range of the file (after its contents
  // were copied elsewhere); pages touched again are read back from the file.
  void release_pages(const std::uint8_t* begin, std::size_t length) const;

 private:
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace sextant
