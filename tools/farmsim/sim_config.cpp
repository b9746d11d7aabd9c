#include "tools/farmsim/sim_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "tools/farmsim/value_codec.h"

namespace farmsim {
namespace {

class Loader {
 public:
  Loader(std::string file, std::vector<std::string>* errors)
      : file_(std::move(file)), errors_(errors) {}

  void error(const YAML::Mark& m, const std::string& msg) {
    found_.push_back({m.line + 1, m.column + 1, msg});
  }

  // Every error, in the order of the file (the loader visits units before servers).
  void flush() {
    std::stable_sort(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
      return a.line != b.line ? a.line < b.line : a.col < b.col;
    });
    for (const auto& f : found_)
      errors_->push_back(file_ + ":" + std::to_string(f.line) + ":" + std::to_string(f.col) +
                         ": error: " + f.message);
    found_.clear();
  }
  void error(const YAML::Node& n, const std::string& msg) { error(n.Mark(), msg); }

  bool expect_map(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    error(n, what + " must be a map");
    return false;
  }

  // Reports keys of `n` outside `allowed` (typos would otherwise be ignored silently).
  void check_keys(const YAML::Node& n, const std::set<std::string>& allowed,
                  const std::string& where) {
    for (const auto& kv : n) {
      std::string k = kv.first.Scalar();
      if (!allowed.count(k)) error(kv.first, "unknown key '" + k + "' in " + where);
    }
  }

  std::optional<long long> integer(const YAML::Node& n, long long lo, long long hi,
                                   const std::string& what) {
    auto v = n.IsScalar() ? parse_integer(n.Scalar(), lo, hi) : std::nullopt;
    if (!v)
      error(n,
            what + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v;
  }

  void load(const YAML::Node& root, SimConfig* cfg) {
    if (root.IsNull()) return error(root, "the file is empty: it needs 'servers'");
    if (!expect_map(root, "the file")) return;
    check_keys(root, {"control", "servers", "units", "clock", "models"}, "the file");
    if (auto c = root["control"]) {
      if (expect_map(c, "'control'")) {
        check_keys(c, {"port"}, "'control'");
        if (c["port"] && c["port"].Scalar() == "auto")
          cfg->control_port = kAnyPort;
        else if (c["port"])
          if (auto p = integer(c["port"], 0, 65535, "'port' (or auto)"))
            cfg->control_port = int(*p);
      }
    }
    // Units first: a server may name a unit the 'units' map leaves out (all zeros).
    if (auto units = root["units"]) {
      if (expect_map(units, "'units'"))
        for (const auto& kv : units) load_unit(kv.first, kv.second, cfg);
    }
    if (root["clock"] || root["models"]) load_farm_section(root, cfg);
    auto servers = root["servers"];
    if (!servers) return error(root, "missing 'servers' (a list of tcp/rtu servers)");
    if (!servers.IsSequence() || servers.size() == 0)
      return error(servers, "'servers' must be a non-empty list");
    for (const auto& s : servers) load_server(s, cfg);
  }

 private:
  void load_farm_section(const YAML::Node& root, SimConfig* cfg) {
    cfg->farm = std::make_shared<models::FarmSpec>();
    models::load_farm(root["clock"], root["models"], cfg->farm.get(),
                      [this](const YAML::Node& n, const std::string& msg) { error(n, msg); });
    // The clock unit exists from the start, so the control channel can read it at once.
    if (cfg->farm->clock_unit) cfg->units[*cfg->farm->clock_unit];
  }

  void load_server(const YAML::Node& n, SimConfig* cfg) {
    if (!expect_map(n, "a server")) return;
    ServerConfig s;
    bool tcp = bool(n["tcp"]), rtu = bool(n["rtu"]);
    if (tcp == rtu) return error(n, "a server has exactly one of 'tcp' or 'rtu'");
    s.kind = tcp ? ServerConfig::Kind::tcp : ServerConfig::Kind::rtu;
    if (tcp) {
      check_keys(n, {"tcp", "units", "absent"}, "a tcp server");
      load_tcp(n["tcp"], &s);
      if (auto a = n["absent"]) {
        std::string err;
        auto f = a.IsScalar() ? parse_fault(a.Scalar(), &err) : std::nullopt;
        if (a.IsScalar() && !err.empty())
          error(a, err);
        else if (!f || (f->mode != Fault::Mode::silent && f->mode != Fault::Mode::exception))
          error(a, "'absent' is 'silent' or 'exception CODE'");
        else
          s.absent = *f;
      }
    } else {
      check_keys(n, {"rtu", "units"}, "an rtu server");
      load_rtu(n["rtu"], &s.serial);
    }
    auto units = n["units"];
    if (!units || !units.IsSequence() || units.size() == 0)
      return error(units ? units.Mark() : n.Mark(), "a server needs 'units': a list of unit ids");
    std::set<int> seen;
    for (const auto& u : units) {
      // RTU unit 0 is the broadcast address; 248..255 are reserved yet some boards use them.
      auto id = integer(u, tcp ? 0 : 1, 255, tcp ? "a unit id" : "an RTU unit id (0 is broadcast)");
      if (!id) continue;
      if (!seen.insert(int(*id)).second) error(u, "unit " + std::to_string(*id) + " listed twice");
      s.units.push_back(int(*id));
      cfg->units[int(*id)];  // exists from now on, all zero unless 'units' says otherwise
    }
    cfg->servers.push_back(s);
  }

  void load_tcp(const YAML::Node& n, ServerConfig* s) {
    if (!expect_map(n, "'tcp'")) return;
    check_keys(n, {"host", "port"}, "'tcp'");
    if (n["host"]) s->host = n["host"].Scalar();
    if (!n["port"]) return error(n, "'tcp' needs 'port' (0: any free port)");
    if (auto p = integer(n["port"], 0, 65535, "'port'")) s->port = int(*p);
  }

  void load_rtu(const YAML::Node& n, SerialSettings* s) {
    if (!expect_map(n, "'rtu'")) return;
    check_keys(n, {"device", "baud", "parity", "data_bits", "stop_bits"}, "'rtu'");
    if (!n["device"] || !n["device"].IsScalar() || n["device"].Scalar().empty())
      error(n, "'rtu' needs 'device' (the serial port or pty path)");
    else
      s->device = n["device"].Scalar();
    if (n["baud"])
      if (auto v = integer(n["baud"], 50, 4000000, "'baud'")) s->baud = int(*v);
    if (auto p = n["parity"]) {
      std::string v = p.Scalar();
      if (v == "none" || v == "N")
        s->parity = 'N';
      else if (v == "even" || v == "E")
        s->parity = 'E';
      else if (v == "odd" || v == "O")
        s->parity = 'O';
      else
        error(p, "'parity' is none, even or odd");
    }
    if (n["data_bits"])
      if (auto v = integer(n["data_bits"], 5, 8, "'data_bits'")) s->data_bits = int(*v);
    if (n["stop_bits"])
      if (auto v = integer(n["stop_bits"], 1, 2, "'stop_bits'")) s->stop_bits = int(*v);
  }

  void load_unit(const YAML::Node& key, const YAML::Node& n, SimConfig* cfg) {
    auto id = integer(key, 0, 255, "a unit id");
    if (!id) return;
    UnitSetup& u = cfg->units[int(*id)];
    if (n.IsNull()) return;
    if (!expect_map(n, "unit " + std::to_string(*id))) return;
    check_keys(n, {"holding", "input", "coil", "discrete", "size", "fault"},
               "unit " + std::to_string(*id));
    if (auto size = n["size"]) load_sizes(size, &u.tables);
    for (Table t : {Table::holding, Table::input, Table::coil, Table::discrete})
      if (auto values = n[table_name(t)]) load_values(values, t, &u.tables);
    if (auto f = n["fault"]) {
      std::string err;
      auto fault = f.IsScalar() ? parse_fault(f.Scalar(), &err) : std::nullopt;
      if (!fault)
        error(f, err.empty() ? "'fault' is a text such as 'slow 300'" : err);
      else
        u.fault = *fault;
    }
  }

  void load_sizes(const YAML::Node& n, UnitTables* t) {
    if (!expect_map(n, "'size'")) return;
    for (const auto& kv : n) {
      auto table = parse_table(kv.first.Scalar());
      if (!table) {
        error(kv.first, "unknown table '" + kv.first.Scalar() + "' (holding input coil discrete)");
        continue;
      }
      if (auto v = integer(kv.second, 0, kMaxTableSize, "a table size")) t->resize(*table, int(*v));
    }
  }

  void load_values(const YAML::Node& n, Table table, UnitTables* t) {
    if (!expect_map(n, std::string("'") + table_name(table) + "'")) return;
    for (const auto& kv : n) {
      auto addr = integer(kv.first, 0, kMaxTableSize - 1, "an address");
      if (!addr) continue;
      std::vector<uint16_t> words;
      if (!values_of(kv.second, table, &words)) continue;
      if (!t->contains(table, int(*addr), int(words.size()))) {
        error(kv.first, std::string("address ") + std::to_string(*addr) + " + " +
                            std::to_string(words.size()) + " value(s) is past the " +
                            table_name(table) + " table's size " + std::to_string(t->size(table)));
        continue;
      }
      for (size_t i = 0; i < words.size(); ++i) t->set(table, int(*addr) + int(i), words[i]);
    }
  }

  // A scalar, a list of scalars, or (registers only) a typed value { float32: 5.62, order: CDAB }.
  bool values_of(const YAML::Node& n, Table table, std::vector<uint16_t>* out) {
    bool bits = table == Table::coil || table == Table::discrete;
    if (n.IsSequence()) {
      bool ok = true;
      for (const auto& item : n) ok = values_of(item, table, out) && ok;
      return ok;
    }
    if (n.IsScalar()) {
      if (bits) {
        auto b = parse_bit(n.Scalar());
        if (!b) return error(n, "a " + std::string(table_name(table)) + " is true or false"), false;
        out->push_back(*b);
      } else {
        auto w = parse_word(n.Scalar());
        if (!w) return error(n, "a register is an integer from -32768 to 65535"), false;
        out->push_back(*w);
      }
      return true;
    }
    if (n.IsMap() && !bits) return typed_value(n, out);
    error(n, bits ? "expected true/false or a list of them" : "expected a register value");
    return false;
  }

  bool typed_value(const YAML::Node& n, std::vector<uint16_t>* out) {
    std::string type, value, order = "ABCD";
    for (const auto& kv : n) {
      std::string k = kv.first.Scalar();
      if (k == "order")
        order = kv.second.Scalar();
      else if (type.empty())
        type = k, value = kv.second.Scalar();
      else
        return error(kv.first, "a typed value has one type key and an optional 'order'"), false;
    }
    if (type.empty()) return error(n, "a typed value needs a type, e.g. { float32: 5.62 }"), false;
    std::string err;
    auto words = encode_value(type, value, order, &err);
    if (!words) return error(n, err), false;
    out->insert(out->end(), words->begin(), words->end());
    return true;
  }

  struct Found {
    int line, col;
    std::string message;
  };
  std::string file_;
  std::vector<std::string>* errors_;
  std::vector<Found> found_;
};

}  // namespace

std::optional<SimConfig> load_sim_config(const std::string& path,
                                         std::vector<std::string>* errors) {
  errors->clear();
  Loader loader(path, errors);
  SimConfig cfg;
  try {
    YAML::Node root = YAML::LoadFile(path);
    loader.load(root, &cfg);
  } catch (const YAML::BadFile&) {
    errors->push_back(path + ": error: cannot read the file");
  } catch (const YAML::Exception& e) {
    loader.error(e.mark, e.msg);
  }
  loader.flush();
  if (!errors->empty()) return std::nullopt;
  return cfg;
}

}  // namespace farmsim
