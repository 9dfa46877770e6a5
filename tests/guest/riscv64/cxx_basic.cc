/*
 * cxx_basic.cc - the C++ runtime: iostream, std::string, containers (vector, map,
 * unordered_map, set), std::sort with a lambda, virtual dispatch through base pointers,
 * exceptions (thrown through several frames, rethrown, caught by base class, catch(...),
 * destructors run during unwinding, std::bad_alloc, exceptions from the library), RTTI,
 * smart pointers, std::function, and static constructors/destructors.
 * Unwinding needs the guest's .eh_frame and the unwinder to read registers back correctly,
 * so this is also a test of the translator's precise state at calls.
 */
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

static int checks, failures;

static void check(bool ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        std::cout << "  line " << line << ": check failed: " << what << "\n";
    }
}
#define CHECK(c) check((c), #c, __LINE__)

static void group_end(const char *name)
{
    static int last_checks, last_failures;
    int n = checks - last_checks, f = failures - last_failures;
    if (f == 0) {
        std::cout << name << ": " << n << " checks ok\n";
    } else {
        std::cout << name << ": " << f << " of " << n << " checks FAILED\n";
    }
    last_checks = checks;
    last_failures = failures;
}

/* --- static initialisation --- */
static std::string global_text = std::string("static ") + "init";
static int constructed_order[3], construct_count;
struct Registrar {
    explicit Registrar(int id) { constructed_order[construct_count++] = id; }
};
static Registrar reg_a(1), reg_b(2), reg_c(3);

/* --- virtual dispatch --- */
struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double w_, double h_) : w(w_), h(h_) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
struct Square : Rect {
    explicit Square(double s) : Rect(s, s) {}
    std::string name() const override { return "square"; }
};
struct Circle : Shape {
    double r;
    explicit Circle(double r_) : r(r_) {}
    double area() const override { return 3.0 * r * r; }   /* integer-exact on purpose */
};

/* --- exceptions --- */
struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};
static int live_guards;
struct Guard {
    Guard() { live_guards++; }
    ~Guard() { live_guards--; }
};
static int thrower(int depth)
{
    Guard g;
    if (depth == 0) {
        throw AppError("deep failure", 17);
    }
    return thrower(depth - 1) + 1;
}

int main()
{
    /* iostream and strings */
    std::ostringstream os;
    os << "int " << 42 << " hex " << std::hex << 255 << std::dec << " fixed " << std::fixed
       << std::setprecision(3) << 3.14159 << " sci " << std::scientific << 12345.678;
    CHECK(os.str() == "int 42 hex ff fixed 3.142 sci 1.235e+04");
    std::string s = "Hello";
    s += ", world";
    CHECK(s.size() == 12);
    CHECK(s.substr(7) == "world");
    CHECK(s.find("world") == 7);
    CHECK(s.find("xyz") == std::string::npos);
    std::string big(10000, 'x');
    big.replace(5000, 1, "YY");
    CHECK(big.size() == 10001 && big[5001] == 'Y');
    std::istringstream is("12 34.5 word");
    int i;
    double d;
    std::string w;
    is >> i >> d >> w;
    CHECK(i == 12 && d == 34.5 && w == "word");
    CHECK(std::to_string(-123) == "-123");
    CHECK(std::stoi("0x1f", nullptr, 16) == 31);
    CHECK(global_text == "static init");
    CHECK(construct_count == 3 && constructed_order[0] == 1 && constructed_order[2] == 3);
    group_end("strings_streams");

    /* containers and algorithms */
    std::vector<int> v;
    for (int k = 0; k < 1000; k++) {
        v.push_back((k * 7919) % 1000);
    }
    std::sort(v.begin(), v.end());
    CHECK(std::is_sorted(v.begin(), v.end()));
    CHECK(std::accumulate(v.begin(), v.end(), 0L) == 499500);
    std::sort(v.begin(), v.end(), [](int a, int b) { return a > b; });
    CHECK(v.front() == 999 && v.back() == 0);
    std::map<std::string, int> m;
    const char *words[] = { "delta", "alpha", "charlie", "bravo", "alpha", "echo", "alpha" };
    for (const char *wd : words) {
        m[wd]++;
    }
    std::string keys;
    for (const auto &kv : m) {
        keys += kv.first + "=" + std::to_string(kv.second) + " ";
    }
    CHECK(keys == "alpha=3 bravo=1 charlie=1 delta=1 echo=1 ");
    std::unordered_map<int, std::string> um;
    for (int k = 0; k < 5000; k++) {
        um[k * 31] = std::to_string(k);
    }
    CHECK(um.size() == 5000 && um[31 * 4999] == "4999" && um.count(1) == 0);
    std::set<int> st(v.begin(), v.end());
    CHECK(st.size() == 1000 && *st.begin() == 0 && *st.rbegin() == 999);
    std::vector<std::string> names = { "pear", "fig", "apple" };
    std::sort(names.begin(), names.end());
    CHECK(names[0] == "apple" && names[2] == "pear");
    auto it = std::lower_bound(names.begin(), names.end(), "fig");
    CHECK(it - names.begin() == 1);
    group_end("containers");

    /* virtual calls and RTTI */
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Rect>(2, 3));
    shapes.push_back(std::make_unique<Square>(4));
    shapes.push_back(std::make_unique<Circle>(1));
    double total = 0;
    std::string kinds;
    for (const auto &sh : shapes) {
        total += sh->area();
        kinds += sh->name() + " ";
    }
    CHECK(total == 25.0);
    CHECK(kinds == "rect square shape ");
    CHECK(dynamic_cast<Rect *>(shapes[1].get()) != nullptr);
    CHECK(dynamic_cast<Square *>(shapes[0].get()) == nullptr);
    CHECK(typeid(*shapes[2]) == typeid(Circle));
    std::shared_ptr<Shape> sp = std::make_shared<Square>(3);
    std::shared_ptr<Shape> sp2 = sp;
    CHECK(sp.use_count() == 2 && sp2->area() == 9.0);
    std::function<int(int)> f = [&](int x) { return x + static_cast<int>(total); };
    CHECK(f(5) == 30);
    group_end("virtual_rtti");

    /* exceptions */
    try {
        thrower(10);
        CHECK(false);
    } catch (const AppError &e) {
        CHECK(std::string(e.what()) == "deep failure" && e.code == 17);
        CHECK(live_guards == 0);              /* all 11 Guards destroyed while unwinding */
    }
    int caught = 0;
    try {
        try {
            throw std::out_of_range("inner");
        } catch (const std::logic_error &e) {  /* base class catch */
            caught++;
            throw;                              /* rethrow the same object */
        }
    } catch (const std::out_of_range &e) {
        caught += std::string(e.what()) == "inner";
    }
    CHECK(caught == 2);
    try {
        std::vector<int> small(3);
        small.at(10) = 1;
    } catch (const std::out_of_range &) {
        caught++;
    }
    CHECK(caught == 3);
    try {
        throw 42;
    } catch (...) {
        caught++;
    }
    CHECK(caught == 4);
    try {
        std::vector<char> huge;
        huge.reserve(huge.max_size() + 1);     /* SIZE_MAX / 2 fits a 32-bit guest's memory */
    } catch (const std::length_error &) {
        caught++;
    } catch (const std::bad_alloc &) {
        caught++;
    }
    CHECK(caught == 5);
    try {
        (void)std::stoi("not a number");
    } catch (const std::invalid_argument &) {
        caught++;
    }
    CHECK(caught == 6);
    int sum = 0;
    for (int k = 0; k < 1000; k++) {          /* many throws: the unwinder caches stay sane */
        try {
            if (k % 3 == 0) {
                throw k;
            }
            sum += 1;
        } catch (int x) {
            sum += x % 7;
        }
    }
    CHECK(sum == 666 + 1003);             /* 666 non-multiples of 3, plus the sum of k % 7 */
    group_end("exceptions");

    std::cout << "cout works: " << 1.5 << ' ' << true << ' ' << std::boolalpha << true << std::endl;
    if (failures == 0) {
        std::cout << "all " << checks << " checks passed\n";
        return 0;
    }
    std::cout << failures << " of " << checks << " checks FAILED\n";
    return 1;
}
