// Reading a source's files in their upstream formats into records.
#include <fmt/ranges.h>

#include <cctype>
#include <filesystem>

#include "core/error.hpp"
#include "datasets/csv_reader.hpp"
#include "datasets/data_file.hpp"
#include "datasets/field_path.hpp"
#include "datasets/source_spec.hpp"

namespace sextant::datasets {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  const std::string text = read_data_file(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

nlohmann::json parse_json_file(const std::string& path) {
  const std::string text = read_data_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not JSON: {}", path, e.what());
  }
}

// lm-evaluation-harness's HellaSwag preprocess: " [title]" becomes ". ", other bracketed
// tags go, double spaces become single.
std::string hellaswag_clean(std::string text) {
  const auto b = text.find_first_not_of(" \t\r\n");
  text = b == std::string::npos ? "" : text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 8, " [title]") == 0) {
      out += ". ";
      i += 7;
    } else {
      out += text[i];
    }
  }
  std::string no_tags;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto close = out[i] == '[' ? out.find(']', i) : std::string::npos;
    if (close != std::string::npos)
      i = close;
    else
      no_tags += out[i];
  }
  std::string single;
  for (std::size_t i = 0; i < no_tags.size(); ++i) {
    single += no_tags[i];
    if (no_tags.compare(i, 2, "  ") == 0) ++i;
  }
  return single;
}

// Python's str.capitalize() on ASCII: the first letter upper case, the rest lower.
std::string capitalize(std::string s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) s[i] = static_cast<char>(i == 0 ? std::toupper(c) : std::tolower(c));
  }
  return s;
}

class Reader {
 public:
  Reader(const SourceSpec& spec, BadRows& bad) : spec_(spec), bad_(bad) {}

  // Adds a parsed upstream row after mapping its fields; a row lacking one is a bad row.
  void add(nlohmann::json row, std::string origin, const std::string& file) {
    if (!row.is_object()) {
      bad_.report(origin + ": expected a JSON object, found " + row.type_name());
      return;
    }
    Record r;
    r.origin = std::move(origin);
    for (const auto& [name, path] : spec_.fields) {
      auto v = resolve_field_path(row, path);
      if (!v) {
        bad_.report(fmt::format("{}: field \"{}\" (for \"{}\") is missing", r.origin, path, name));
        return;
      }
      r.fields[name] = std::move(*v);
    }
    for (const auto& [name, members] : spec_.lists) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& m : members) {
        const auto it = row.find(m);
        if (it == row.end()) {
          bad_.report(fmt::format("{}: field \"{}\" (for \"{}\") is missing", r.origin, m, name));
          return;
        }
        list.push_back(*it);
      }
      r.fields[name] = std::move(list);
    }
    for (auto& [k, v] : row.items())
      if (!r.fields.contains(k)) r.fields[k] = std::move(v);
    if (!spec_.file_field.empty()) {
      std::string stem = fs::path(file).stem().string();
      if (!spec_.file_suffix.empty() && stem.size() >= spec_.file_suffix.size() &&
          stem.compare(stem.size() - spec_.file_suffix.size(), std::string::npos, spec_.file_suffix) == 0)
        stem.resize(stem.size() - spec_.file_suffix.size());
      r.fields[spec_.file_field] = stem;
    }
    records_.push_back(std::move(r));
  }

  void read_jsonl(const std::string& file) {
    const auto lines = read_lines(file);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t") == std::string::npos) continue;
      const std::string origin = fmt::format("{}:{}", file, i + 1);
      nlohmann::json row;
      try {
        row = nlohmann::json::parse(lines[i]);
      } catch (const nlohmann::json::exception& e) {
        bad_.report(origin + ": not JSON: " + e.what());
        continue;
      }
      add(std::move(row), origin, file);
    }
  }

  void read_json(const std::string& file) {
    nlohmann::json doc = parse_json_file(file);
    if (!spec_.records_path.empty()) {
      auto at = resolve_field_path(doc, spec_.records_path);
      if (!at) fail("{}: no \"{}\" in it", file, spec_.records_path);
      doc = std::move(*at);
    }
    if (!doc.is_array()) fail("{}: expected a JSON array of rows, found {}", file, doc.type_name());
    for (std::size_t i = 0; i < doc.size(); ++i) add(std::move(doc[i]), fmt::format("{}[{}]", file, i), file);
  }

  void read_delimited(const std::string& file, char delimiter) {
    const auto rows = read_csv(file, delimiter);
    std::vector<std::string> names = spec_.columns;
    std::size_t first = 0;
    if (names.empty()) {
      if (rows.empty()) return;
      names = rows[0].fields;
      first = 1;
    }
    for (std::size_t i = first; i < rows.size(); ++i) {
      const std::string origin = fmt::format("{}:{}", file, rows[i].line);
      if (rows[i].fields.size() != names.size()) {
        bad_.report(fmt::format("{}: {} fields, expected {} ({})", origin, rows[i].fields.size(), names.size(),
                                fmt::join(names, ", ")));
        continue;
      }
      nlohmann::json row = nlohmann::json::object();
      for (std::size_t k = 0; k < names.size(); ++k) row[names[k]] = rows[i].fields[k];
      add(std::move(row), origin, file);
    }
  }

  void read_text(const std::string& data_dir) {
    if (spec_.text_files.empty()) {
      for (const auto& file : files_) {
        const auto lines = read_lines(file);
        for (std::size_t i = 0; i < lines.size(); ++i)
          if (!lines[i].empty()) add(nlohmann::json{{"text", lines[i]}}, fmt::format("{}:{}", file, i + 1), file);
      }
      return;
    }
    // Aligned files (FLORES: line i of every language file is the same sentence).
    std::vector<std::pair<std::string, std::vector<std::string>>> columns;
    std::string first_file;
    for (const auto& [field, relative] : spec_.text_files) {
      const std::string file = (fs::path(data_dir) / relative).string();
      if (first_file.empty()) first_file = file;
      columns.emplace_back(field, read_lines(file));
      if (columns.back().second.size() != columns.front().second.size())
        fail("{}: {} lines, but {} has {}; aligned files must have the same count", file, columns.back().second.size(),
             first_file, columns.front().second.size());
    }
    for (std::size_t i = 0; i < columns.front().second.size(); ++i) {
      nlohmann::json row = nlohmann::json::object();
      for (const auto& [field, lines] : columns) row[field] = lines[i];
      add(std::move(row), fmt::format("{}:{}", first_file, i + 1), first_file);
    }
  }

  void read_hellaswag_text(const std::string& file) {
    const auto lines = read_lines(file);
    if (lines.size() % 6 != 0) fail("{}:{}: the last task has {} of its 6 lines", file, lines.size(), lines.size() % 6);
    for (std::size_t i = 0; i < lines.size(); i += 6) {
      const std::string& label = lines[i + 1];
      if (label.size() != 1 || label[0] < '0' || label[0] > '3') {
        bad_.report(fmt::format("{}:{}: gold label \"{}\" is not 0-3", file, i + 2, label));
        continue;
      }
      add(nlohmann::json{{"context", lines[i]},
                         {"label", label[0] - '0'},
                         {"endings", {lines[i + 2], lines[i + 3], lines[i + 4], lines[i + 5]}}},
          fmt::format("{}:{}", file, i + 1), file);
    }
  }

  void read_hellaswag_jsonl(const std::string& file) {
    const auto lines = read_lines(file);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty()) continue;
      const std::string origin = fmt::format("{}:{}", file, i + 1);
      try {
        const auto doc = nlohmann::json::parse(lines[i]);
        const std::string ctx =
            doc.at("ctx_a").get<std::string>() + " " + capitalize(doc.at("ctx_b").get<std::string>());
        nlohmann::json endings = nlohmann::json::array();
        for (const auto& e : doc.at("endings")) endings.push_back(hellaswag_clean(e.get<std::string>()));
        const auto& label = doc.at("label");
        const int gold = label.is_string() ? std::stoi(label.get<std::string>()) : label.get<int>();
        add(nlohmann::json{{"context", hellaswag_clean(doc.at("activity_label").get<std::string>() + ": " + ctx)},
                           {"label", gold},
                           {"endings", endings}},
            origin, file);
      } catch (const std::exception& e) {
        bad_.report(origin + ": not a HellaSwag row (activity_label, ctx_a, ctx_b, endings, label): " + e.what());
      }
    }
  }

  void read_c3(const std::string& file) {
    const nlohmann::json doc = parse_json_file(file);
    if (!doc.is_array()) fail("{}: expected a JSON array of C3 documents", file);
    for (std::size_t d = 0; d < doc.size(); ++d) {
      const auto& document = doc[d];
      const std::string origin = fmt::format("{}[{}]", file, d);
      if (!document.is_array() || document.size() != 3 || !document[0].is_array() || !document[1].is_array()) {
        bad_.report(origin + ": expected [[context lines], [questions], id]");
        continue;
      }
      for (std::size_t q = 0; q < document[1].size(); ++q) {
        nlohmann::json row = document[1][q];
        if (!row.is_object()) {
          bad_.report(fmt::format("{}[1][{}]: expected a question object", origin, q));
          continue;
        }
        row["context"] = document[0];
        row["id"] =
            document[2].is_string() ? document[2].get<std::string>() + "-" + std::to_string(q) : std::to_string(d);
        add(std::move(row), fmt::format("{}[1][{}]", origin, q), file);
      }
    }
  }

  std::vector<std::string> files_;
  std::vector<Record> records_;

 private:
  const SourceSpec& spec_;
  BadRows& bad_;
};

}  // namespace

std::vector<Record> load_records(const SourceSpec& spec, const std::string& data_dir, BadRows& bad) {
  Reader reader(spec, bad);
  if (spec.text_files.empty()) {
    reader.files_ = source_files(spec, data_dir);
    if (reader.files_.empty()) {
      std::string list;
      for (const auto& p : spec.paths) list += (list.empty() ? "" : ", ") + (fs::path(data_dir) / p).string();
      fail("no file found at {}", list);
    }
  }
  if (spec.format == SourceFormat::Text) {
    reader.read_text(data_dir);
    return std::move(reader.records_);
  }
  for (const auto& file : reader.files_) {
    switch (spec.format) {
      case SourceFormat::Jsonl:
        reader.read_jsonl(file);
        break;
      case SourceFormat::HellaswagJsonl:
        reader.read_hellaswag_jsonl(file);
        break;
      case SourceFormat::Json:
        reader.read_json(file);
        break;
      case SourceFormat::Csv:
        reader.read_delimited(file, ',');
        break;
      case SourceFormat::Tsv:
        reader.read_delimited(file, '\t');
        break;
      case SourceFormat::HellaswagText:
        reader.read_hellaswag_text(file);
        break;
      case SourceFormat::C3Json:
        reader.read_c3(file);
        break;
      case SourceFormat::Text:
        break;
    }
  }
  return std::move(reader.records_);
}

}  // namespace sextant::datasets
