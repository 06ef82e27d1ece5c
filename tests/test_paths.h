// Where tests find their data: set by tests/CMakeLists.txt.
#ifndef PLAZO_TESTS_TEST_PATHS_H_
#define PLAZO_TESTS_TEST_PATHS_H_

#include <string>

namespace plazo::testing {

inline std::string DataDir() { return PLAZO_TEST_DATA; }
inline std::string ExamplesDir() { return PLAZO_EXAMPLES; }

}  // namespace plazo::testing

#endif  // PLAZO_TESTS_TEST_PATHS_H_
