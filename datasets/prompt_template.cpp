// Rendering prompt templates over records.
#include "datasets/prompt_template.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace sextant::datasets {

namespace {

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// A value is text or a list of texts while filters run.
struct Value {
  bool is_list = false;
  std::string text;
  std::vector<std::string> list;
};

Value apply(const Value& v, const std::string& filter, const std::string& where) {
  const auto colon = filter.find(':');
  const std::string name = filter.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : filter.substr(colon + 1);
  auto need_text = [&] {
    if (v.is_list) fail("{}: filter \"{}\" needs a text, the field is a list (use join: or options)", where, name);
  };
  Value out;
  if (name == "join" || name == "options") {
    if (!v.is_list) fail("{}: filter \"{}\" needs a list", where, name);
    for (std::size_t i = 0; i < v.list.size(); ++i) {
      if (name == "join") {
        if (i) out.text += arg;
        out.text += v.list[i];
      } else {
        if (i) out.text += '\n';
        out.text += static_cast<char>('A' + i);
        out.text += ". ";
        out.text += v.list[i];
      }
    }
    return out;
  }
  need_text();
  out.text = v.text;
  if (name == "lower") {
    std::transform(out.text.begin(), out.text.end(), out.text.begin(), [](unsigned char c) { return std::tolower(c); });
  } else if (name == "upper") {
    std::transform(out.text.begin(), out.text.end(), out.text.begin(), [](unsigned char c) { return std::toupper(c); });
  } else if (name == "strip") {
    out.text = strip(out.text);
  } else if (name == "words") {
    std::replace(out.text.begin(), out.text.end(), '_', ' ');
  } else if (name == "before" || name == "after") {
    if (arg.empty()) fail("{}: filter \"{}\" needs an argument ({}:X)", where, name, name);
    const auto at = out.text.find(arg);
    if (at == std::string::npos) fail("{}: filter \"{}:{}\": the text has no \"{}\"", where, name, arg, arg);
    out.text = name == "before" ? out.text.substr(0, at) : out.text.substr(at + arg.size());
  } else if (name == "before_last" || name == "after_last") {
    if (arg.empty()) fail("{}: filter \"{}\" needs an argument ({}:X)", where, name, name);
    const auto at = out.text.rfind(arg);
    if (at == std::string::npos) fail("{}: filter \"{}:{}\": the text has no \"{}\"", where, name, arg, arg);
    out.text = name == "before_last" ? out.text.substr(0, at) : out.text.substr(at + arg.size());
  } else if (name == "replace") {
    const auto arrow = arg.find("=>");
    if (arrow == std::string::npos) fail("{}: filter \"replace\" is written replace:FROM=>TO", where);
    const std::string from = arg.substr(0, arrow), to = arg.substr(arrow + 2);
    if (from.empty()) fail("{}: filter \"replace\" needs a text to replace", where);
    std::string r;
    for (std::size_t at = 0;;) {
      const auto next = out.text.find(from, at);
      r += out.text.substr(at, next - at);
      if (next == std::string::npos) break;
      r += to;
      at = next + from.size();
    }
    out.text = r;
  } else if (name == "remove_spans") {
    const auto comma = arg.find(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == arg.size())
      fail("{}: filter \"remove_spans\" is written remove_spans:OPEN,CLOSE", where);
    const std::string open = arg.substr(0, comma), close = arg.substr(comma + 1);
    std::string r;
    for (std::size_t at = 0;;) {
      const auto b = out.text.find(open, at);
      const auto e = b == std::string::npos ? std::string::npos : out.text.find(close, b + open.size());
      if (e == std::string::npos) {
        r += out.text.substr(at);
        break;
      }
      r += out.text.substr(at, b - at);
      at = e + close.size();
    }
    out.text = r;
  } else if (name == "letter") {
    int i = -1;
    try {
      i = std::stoi(out.text);
    } catch (const std::exception&) {
    }
    if (i < 0 || i >= 26) fail("{}: filter \"letter\" needs an index 0-25, found \"{}\"", where, out.text);
    out.text = std::string(1, static_cast<char>('A' + i));
  } else {
    fail(
        "{}: unknown filter \"{}\" (known: lower, upper, strip, words, before:X, after:X, before_last:X, after_last:X, "
        "replace:A=>B, remove_spans:A,B, join:X, options, letter)",
        where, name);
  }
  return out;
}

}  // namespace

std::string render_template(const std::string& tmpl, const Record& record) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if (c == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (c == '}' && i + 1 < tmpl.size() && tmpl[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (c == '{') {
      const auto close = tmpl.find('}', i);
      if (close == std::string::npos) fail("template \"{}\": '{{' without '}}'", tmpl);
      const auto parts = split(tmpl.substr(i + 1, close - i - 1), '|');
      const std::string& name = parts[0];
      const std::string where = record.origin + ": field \"" + name + "\"";
      const auto& json = field_value(record, name);
      Value v;
      if (json.is_array()) {
        v.is_list = true;
        for (const auto& e : json) v.list.push_back(scalar_text(e, where));
      } else {
        v.text = scalar_text(json, where);
      }
      for (std::size_t k = 1; k < parts.size(); ++k) v = apply(v, parts[k], where);
      if (v.is_list) fail("{}: a list field needs a join: or options filter in a template", where);
      out += v.text;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> template_fields(const std::string& tmpl) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      ++i;
    } else if (tmpl[i] == '{') {
      const auto close = tmpl.find('}', i);
      if (close == std::string::npos) break;
      names.push_back(split(tmpl.substr(i + 1, close - i - 1), '|')[0]);
      i = close;
    }
  }
  return names;
}

}  // namespace sextant::datasets
