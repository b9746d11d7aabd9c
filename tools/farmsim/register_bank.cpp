#include "tools/farmsim/register_bank.h"

namespace farmsim {

std::optional<Table> parse_table(const std::string& name) {
  if (name == "holding" || name == "holdings") return Table::holding;
  if (name == "input" || name == "inputs") return Table::input;
  if (name == "coil" || name == "coils") return Table::coil;
  if (name == "discrete" || name == "discretes") return Table::discrete;
  return std::nullopt;
}

const char* table_name(Table t) {
  switch (t) {
    case Table::holding:
      return "holding";
    case Table::input:
      return "input";
    case Table::coil:
      return "coil";
    case Table::discrete:
      return "discrete";
  }
  return "?";
}

UnitTables::UnitTables()
    : holding_(kMaxTableSize),
      input_(kMaxTableSize),
      coil_(kMaxTableSize),
      discrete_(kMaxTableSize) {}

int UnitTables::size(Table t) const {
  switch (t) {
    case Table::holding:
      return static_cast<int>(holding_.size());
    case Table::input:
      return static_cast<int>(input_.size());
    case Table::coil:
      return static_cast<int>(coil_.size());
    case Table::discrete:
      return static_cast<int>(discrete_.size());
  }
  return 0;
}

void UnitTables::resize(Table t, int n) {
  auto un = static_cast<size_t>(n);
  switch (t) {
    case Table::holding:
      holding_.resize(un);
      break;
    case Table::input:
      input_.resize(un);
      break;
    case Table::coil:
      coil_.resize(un);
      break;
    case Table::discrete:
      discrete_.resize(un);
      break;
  }
}

bool UnitTables::contains(Table t, int address, int count) const {
  return address >= 0 && count >= 0 && address + count <= size(t);
}

uint16_t UnitTables::get(Table t, int address) const {
  auto a = static_cast<size_t>(address);
  switch (t) {
    case Table::holding:
      return holding_[a];
    case Table::input:
      return input_[a];
    case Table::coil:
      return coil_[a];
    case Table::discrete:
      return discrete_[a];
  }
  return 0;
}

void UnitTables::set(Table t, int address, uint16_t value) {
  auto a = static_cast<size_t>(address);
  switch (t) {
    case Table::holding:
      holding_[a] = value;
      break;
    case Table::input:
      input_[a] = value;
      break;
    case Table::coil:
      coil_[a] = value != 0;
      break;
    case Table::discrete:
      discrete_[a] = value != 0;
      break;
  }
}

UnitTables* RegisterBank::find(int id) {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : &it->second;
}

}  // namespace farmsim
