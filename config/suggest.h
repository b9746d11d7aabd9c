// "did you mean 'X'?" for misspelt keys and names.
#pragma once

#include <string>
#include <vector>

namespace farmgate::config {

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1 ("adress" -> "address" 1, "tabel" -> "table" 1).
int edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, when it is close enough to be a likely typo (distance at
// most 2 and less than half the candidate's length); "" otherwise. Ties: the first listed.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace farmgate::config
