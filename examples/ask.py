"""A program that reads its input: pdap gives the program the terminal while it runs."""


def ask(question):
    answer = input(question)
    return answer.strip()


def main():
    name = ask("What is your name? ")
    colour = ask("Favourite colour? ")
    print(f"{name} likes {colour}.")


main()
