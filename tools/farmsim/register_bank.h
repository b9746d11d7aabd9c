// The simulated devices' memory: per unit id, the four Modbus tables (holding and input
// registers, coils and discrete inputs), each with its own size. An address at or past a
// table's size does not exist ("illegal data address" to a client).
//
// One RegisterBank is shared by every server (TCP, RTU) and the control channel: a unit id
// names one device however it is reached. Not thread-safe: farmsim runs everything on one
// Asio thread, and a later physics model updates registers from that same thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace farmsim {

enum class Table { holding, input, coil, discrete };

// "holding" | "input" | "coil" | "discrete" (also "coils", "discretes", "inputs").
std::optional<Table> parse_table(const std::string& name);
const char* table_name(Table t);

// Largest table size: every 16-bit address exists.
constexpr int kMaxTableSize = 65536;

class UnitTables {
 public:
  UnitTables();  // every table kMaxTableSize long, all zero

  int size(Table t) const;
  // Shrinks or grows a table (new entries are zero). REQUIRES: 0 <= n <= kMaxTableSize.
  void resize(Table t, int n);

  // True when [address, address+count) lies inside the table.
  bool contains(Table t, int address, int count) const;
  // Raw 16-bit value; bits read as 0/1. REQUIRES: contains(t, address, 1).
  uint16_t get(Table t, int address) const;
  // Stores a value; bit tables store value != 0. REQUIRES: contains(t, address, 1).
  void set(Table t, int address, uint16_t value);

 private:
  std::vector<uint16_t> holding_, input_;
  std::vector<uint8_t> coil_, discrete_;
};

class RegisterBank {
 public:
  // The unit's tables, created (all zero) on first use.
  UnitTables& unit(int id) { return units_[id]; }
  // nullptr when the unit was never created.
  UnitTables* find(int id);
  const std::map<int, UnitTables>& units() const { return units_; }

 private:
  std::map<int, UnitTables> units_;
};

}  // namespace farmsim
