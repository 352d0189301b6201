"""Greets a few people and counts their letters: a first program to debug."""


def greeting(name, excited=False):
    text = "Hello, " + name
    if excited:
        text += "!"
    return text


def count_letters(words):
    counts = {}
    for word in words:
        for letter in word.lower():
            counts[letter] = counts.get(letter, 0) + 1
    return counts


def main():
    names = ["Ada", "Grace", "Linus"]
    for name in names:
        print(greeting(name, excited=name == "Grace"))
    counts = count_letters(names)
    common = max(counts, key=counts.get)
    print("most common letter:", common, counts[common])


if __name__ == "__main__":
    main()
