// Parsing a dataset split's source and finding its files.
#include "datasets/source_spec.hpp"

#include <algorithm>
#include <filesystem>

#include "core/config_object.hpp"
#include "core/error.hpp"

namespace sextant::datasets {

namespace fs = std::filesystem;

namespace {

SourceFormat parse_format(const std::string& name, const std::string& where) {
  static const std::pair<const char*, SourceFormat> kFormats[] = {
      {"jsonl", SourceFormat::Jsonl},   {"json", SourceFormat::Json}, {"csv", SourceFormat::Csv},
      {"tsv", SourceFormat::Tsv},       {"text", SourceFormat::Text}, {"hellaswag_text", SourceFormat::HellaswagText},
      {"hellaswag_jsonl", SourceFormat::HellaswagJsonl},
      {"c3_json", SourceFormat::C3Json}};
  std::string known;
  for (const auto& [n, f] : kFormats) {
    if (name == n) return f;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  fail("{}: unknown format \"{}\" (known: {})", where, name, known);
}

// '*' matches any run of characters within a file name.
bool matches(const std::string& pattern, const std::string& name) {
  std::size_t p = 0, n = 0, star = std::string::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

SourceSpec parse_source_spec(const nlohmann::json& j, const std::string& where) {
  const ConfigObject o(j, where);
  o.reject_unknown(
      {"format", "path", "paths", "files", "columns", "records_path", "file_field", "file_suffix", "fields", "lists"});
  SourceSpec s;
  s.format = parse_format(o.text("format"), o.where("format"));
  if (o.has("path")) s.paths = o.texts("path");
  if (o.has("paths")) s.paths = o.texts("paths");
  if (o.has("files")) s.text_files = o.text_map("files");
  if (s.paths.empty() && s.text_files.empty()) fail("{}: needs \"path\" (or \"files\" for aligned text files)", where);
  if (!s.text_files.empty() && s.format != SourceFormat::Text)
    fail("{}: \"files\" is for the text format", o.where("files"));
  if (o.has("columns")) s.columns = o.texts("columns");
  s.records_path = o.text_or("records_path", "");
  s.file_field = o.text_or("file_field", "");
  s.file_suffix = o.text_or("file_suffix", "");
  if (o.has("fields")) s.fields = o.text_map("fields");
  if (o.has("lists")) {
    const ConfigObject lists = o.object("lists");
    for (const auto& [name, v] : lists.json().items()) s.lists[name] = lists.texts(name);
  }
  return s;
}

std::vector<std::string> source_files(const SourceSpec& spec, const std::string& data_dir) {
  std::vector<std::string> files;
  auto add = [&](const std::string& relative) {
    const fs::path full = fs::path(data_dir) / relative;
    const std::string name = full.filename().string();
    if (name.find('*') == std::string::npos) {
      if (fs::is_regular_file(full)) files.push_back(full.string());
      return;
    }
    std::error_code ec;
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(full.parent_path(), ec))
      if (e.is_regular_file() && matches(name, e.path().filename().string())) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  };
  for (const auto& p : spec.paths) add(p);
  for (const auto& [field, p] : spec.text_files) add(p);
  return files;
}

}  // namespace sextant::datasets
