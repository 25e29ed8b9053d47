// RFC 4180 CSV parsing over a whole file held in memory.
#include "datasets/csv_reader.hpp"

#include "core/error.hpp"
#include "datasets/data_file.hpp"

namespace sextant::datasets {

std::vector<CsvRecord> read_csv(const std::string& path, char delimiter) {
  const std::string text = read_data_file(path);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1, quote_line = 0;
  record.line = 1;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(record.fields.size() == 1 && record.fields[0].empty())) records.push_back(std::move(record));
    record = CsvRecord{};
    record.line = line;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
      quote_line = line;
    } else if (c == delimiter) {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) fail("{}:{}: a quoted field is never closed", path, quote_line);
  if (!field.empty() || !record.fields.empty()) end_record();
  return records;
}

}  // namespace sextant::datasets
