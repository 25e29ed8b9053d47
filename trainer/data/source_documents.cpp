// Splitting a source's files into documents, as its config's format says.
#include "trainer/data/source_documents.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;
namespace {

bool glob_match(const char* pattern, const char* name) {
  if (*pattern == '\0') return *name == '\0';
  if (*pattern == '*') return glob_match(pattern + 1, name) || (*name != '\0' && glob_match(pattern, name + 1));
  if (*name == '\0') return false;
  return (*pattern == '?' || *pattern == *name) && glob_match(pattern + 1, name + 1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot be read", path);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  return text;
}

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\n");
  return std::string(s.substr(b, e - b + 1));
}

// ESC [ parameters final-byte: the colour codes of fortunes-zh's cookies.
std::string without_ansi_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < s.size() && (s[j] < 0x40 || s[j] > 0x7e)) ++j;
      i = j;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::vector<std::string> source_files(const SourceConfig& source, const std::string& corpus_dir) {
  std::vector<std::string> files;
  for (const std::string& pattern : source.files) {
    const fs::path full = fs::path(corpus_dir) / pattern;
    const std::string name = full.filename().string();
    std::vector<std::string> matched;
    if (name.find_first_of("*?") == std::string::npos) {
      if (fs::is_regular_file(full)) matched.push_back(full.string());
    } else if (fs::is_directory(full.parent_path())) {
      for (const auto& entry : fs::directory_iterator(full.parent_path()))
        if (entry.is_regular_file() && glob_match(name.c_str(), entry.path().filename().c_str()))
          matched.push_back(entry.path().string());
    }
    if (matched.empty()) fail("sources.{}.files: \"{}\" matches no file under {}", source.name, pattern, corpus_dir);
    std::sort(matched.begin(), matched.end());
    files.insert(files.end(), matched.begin(), matched.end());
  }
  return files;
}

std::vector<std::string> read_source_documents(const SourceConfig& source, const std::string& corpus_dir) {
  std::vector<std::string> docs;
  auto add = [&](std::string_view text) {
    std::string doc = trimmed(text);
    if (static_cast<std::int64_t>(doc.size()) >= std::max<std::int64_t>(1, source.min_chars)) docs.push_back(std::move(doc));
  };
  for (const std::string& path : source_files(source, corpus_dir)) {
    // strfile's index beside each file, and the links to it that Debian names FILE.u8.
    if (source.format == "fortune" && (path.ends_with(".dat") || (path.ends_with(".u8") && fs::is_symlink(path))))
      continue;
    const std::string text = read_file(path);
    if (source.format == "file") {
      add(text);
    } else if (source.format == "lines") {
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        add(std::string_view(text).substr(start, end - start));
        start = end + 1;
      }
    } else if (source.format == "paragraphs") {
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        add(std::string_view(text).substr(start, end - start));
        start = end + 2;
      }
    } else if (source.format == "fortune") {
      // Cookies end at a line holding only "%"; some packages colour theirs with ANSI escapes.
      const std::string plain = without_ansi_escapes(text);
      std::size_t start = 0, line = 0;
      while (line < plain.size()) {
        std::size_t end = plain.find('\n', line);
        if (end == std::string::npos) end = plain.size();
        if (std::string_view(plain).substr(line, end - line) == "%") {
          add(std::string_view(plain).substr(start, line - start));
          start = end + 1;
        }
        line = end + 1;
      }
      if (start < plain.size()) add(std::string_view(plain).substr(start));
    } else {  // jsonl
      std::size_t start = 0;
      int line = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++line;
        const std::string_view row = std::string_view(text).substr(start, end - start);
        start = end + 1;
        if (trimmed(row).empty()) continue;
        nlohmann::json j;
        try {
          j = nlohmann::json::parse(row);
        } catch (const nlohmann::json::exception& e) {
          fail("{}:{}: not JSON ({})", path, line, e.what());
        }
        if (!j.is_object() || !j.contains(source.field) || !j[source.field].is_string())
          fail("{}:{}: field \"{}\" is missing or not a string", path, line, source.field);
        add(j[source.field].get<std::string>());
      }
    }
  }
  return docs;
}

}  // namespace sextant::trainer
