/* Lets a library be declared before its first source file exists. */
typedef int mimic_empty_unit;
