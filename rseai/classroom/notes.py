"""Instructor notes for presenter mode, by notebook number and heading.

``rseai.classroom.presenter.add_slide_metadata`` inserts each note as a ``notes``-tagged markdown cell
right after the heading it names (RISE shows it in the speaker view; ``rseai student`` drops it).
Keys are the start of a heading, without its ``#`` marks; a note whose heading was renamed is
reported by ``make slides`` and by ``tests/classroom/test_presenter.py``. Notes say what to ask the room,
what to do live and where people get stuck, with a model answer to every question asked; numbers
stay in the notebooks, where they are checked. ``make slides`` puts each section's minutes
(``rseai.classroom.lessons``) in front of its note.

Example
-------
>>> sorted(NOTES)[:2]
['00', '01']
"""

__all__ = ["NOTES"]

_CLAIMS = ("Not for presenting: these asserts prove that every number in the text is true on this "
           "machine. Run all cells before class; this cell then passes silently. If it fails, do not "
           "quote the numbers above until you know why.")

NOTES = {
    "00": {
        "00 · Setup check": (
            "Ask everyone to open this before the session, not during it: the very first run "
            "converts the model once and is slow; later runs load it in about a second. Walk round "
            "and look for red rows."),
        "Widgets render": (
            "A slider printed as text means the browser side of ipywidgets is missing: reload the page "
            "after `make lab`. On a JupyterHub the widget extension must be installed where the hub's "
            "JupyterLab runs, not only in the kernel's environment."),
        "Verdict": (
            "Green means ready for class. For a red row, read its fix column aloud: each is one command."),
    },
    "01": {
        "01 · Next-token probabilities": (
            "Open with the talk's slide: simple probabilities, but trillions of them. The question for "
            "the next 40 minutes: what exactly does the model compute at each step? Answer: one "
            "probability for every token it knows. Run the setup cell before people arrive."),
        "1. Text becomes tokens": (
            "Ask the room to guess how many tokens their own name takes, then try a few in the widget at "
            "the end. Make the fairness point: text in scripts the tokenizer splits finely costs more per "
            "word and fits less into the model's context. *Model answer:* a common English name is one or "
            "two tokens; rarer names, and names in Devanagari or another script, take several."),
        "2. What comes after": (
            "Take a show of hands first: birthday or aardvark? Then reveal what a bare 'Happy' is "
            "followed by. The lesson: context, not the word, decides; 'aardvark' is never impossible, "
            "only improbable. *Model answer:* after a bare 'Happy' neither leads ('-' does); after the "
            "greeting-card opening ' birthday' is in the top five and ' aardvark' millions of times "
            "less likely."),
        "3. From scores to probabilities": (
            "Write the formula only if the room wants the maths; the three panels carry the story: low "
            "temperature is sure of itself, high temperature says any token will do. Connect it to the "
            "'creativity' setting of chat tools."),
        "4. Cutting the tail": (
            "The message: tens of thousands of tiny probabilities add up to a real chance. Top-k and "
            "top-p are the guard rails. Ask why a product would keep any randomness at all. *Model answer:* "
            "greedy text repeats itself and gives every user the same reply; a little randomness brings "
            "variety and avoids loops, and the filters keep it away from the absurd tail."),
        "5. Same input, different answers": (
            "This is why two colleagues asking the same chatbot the same question get different answers, "
            "and why a reproducible study records the model, the settings and the seed."),
        "6. One token at a time": (
            "Read the trace row by row. Each red bar is an unlikely token that was drawn anyway; over a "
            "long answer such draws are expected, not rare. This is the bridge to notebook 02: a "
            "confident-sounding sentence can rest on one unlikely draw."),
        "8. Explore it yourself": (
            "Hand control to the room: ask for prompts from their own field or town. Show the same prompt "
            "at temperature 0 and 2. If the chart stops changing, the message line under the controls "
            "says why (an empty chat prompt, say)."),
        "Exercises": (
            "Give about ten minutes. Exercise 2 is predict-then-check: collect predictions on the board "
            "before anyone runs it. The check cells give feedback at once, so you can circulate."),
        "Claims": _CLAIMS,
    },
    # 02's author wrote notes by hand for the title, the probe-set numbers and the claims; those
    # cells stay as they are (``add_slide_metadata`` only replaces notes listed here).
    "02": {
        "1. A fluent answer": (
            "Read the two answers aloud in the same tone before showing the colours: the room cannot "
            "tell the true one from the invented one by its wording. Then point at the colours."),
        "2. Sydney or Canberra?": (
            "Ask the room first: which city will the model pick? Whatever it picks, the point is that "
            "a near coin flip produced a confident sentence. *Model answer:* Sydney, by a hair (about "
            "36% against 34%); greedy decoding says Sydney every time."),
        "3. Ask ten times": (
            "Link to the talk's slide: different answers to the same input are usually a nuisance; "
            "here they become a warning light. Scattered samples mean: check this."),
        "4. Measuring on a probe set": (
            "Stress that the grader is a rule and can be fooled too: automatic scores need spot-checks, "
            "like the model's answers."),
        "5. Is it as right as it is confident?": (
            "Keep the maths light: a raw probability is not a chance of being right, but it can still "
            "rank answers from most to least suspicious. That ranking is what the next section uses."),
        "7. False premises": (
            "Ask the room for a false-premise question from their own field and try it in the widget "
            "below: a helpful model tends to answer the question as asked."),
        "8. A mitigation, measured: grounding": (
            "Grounding moves the trust to the source: ask who checks the documents a retrieval system "
            "feeds the model. *Model answer:* whoever owns the document store; the model believes what it "
            "is given, as the wrong-passage run shows, so outdated or planted text becomes the answer."),
        "9. Explore": (
            "Take questions from the room, including one in another language and one it should know. "
            "The answer appears token by token while the model writes it, and the agreement counts "
            "up as the samples finish; a question asked before comes back at once from the answer cache."),
        "Exercises": (
            "Exercise 2 is the talk's advice made concrete: spot-check outputs, most suspicious first. "
            "Let people check two answers with a reference book or a search engine."),
    },
    "03": {
        "03 · Confusion-matrix risk": (
            "Frame the hour with the talk's definition: risk management identifies, assesses and "
            "controls threats. For a classifier the threats are its two kinds of error, and the "
            "question is always: who pays for each?"),
        "1. The accuracy paradox": (
            "Ask: would you deploy a screening test that is 99% accurate? Let people commit before you "
            "show that it misses every ill person. Accuracy hides which errors happen. *Model answer:* not "
            "on accuracy alone: ask for its miss rate and its false-alarm rate."),
        "2. The confusion matrix": (
            "Point at the two off-diagonal cells and name them twice: false positive = Type I, false "
            "negative = Type II. Ask which one is worse for a tumour test, and why. *Model answer:* the "
            "false negative: a missed cancer goes untreated, while a false positive costs a biopsy and "
            "worry, serious but recoverable."),
        "3. Moving the threshold": (
            "No threshold removes both errors; it only trades one for the other. Ask who decided on 0.5, "
            "and on what grounds. *Model answer:* usually nobody: 0.5 is the library's default, while a "
            "threshold is a policy that someone accountable should set from the costs."),
        "4. Choose the threshold from the costs": (
            "The costs are a value judgement, not a fact from the data: say so explicitly, and ask who in "
            "the room's institution should set them. *Model answer:* the people accountable for the "
            "decision, with those who bear its errors (clinicians and patients; a lender's risk committee "
            "and its regulator), not the data scientist alone."),
        "The same idea with money": (
            "Stress that sex and age are left out of the model's inputs; section 6 still finds unequal "
            "outcomes by age. Leaving a column out is not the same as being fair."),
        "5. A risk register": (
            "Link to the talk's ALARP slide: a risk can be reduced until further reduction costs more than "
            "it saves, but an intolerable risk must be reduced whatever the cost."),
        "6. Who pays?": (
            "Read the per-group rates aloud: these are people refused credit. Ask whether equal error "
            "rates or equal refusal rates is the fairer target. *Model answer:* neither is right in "
            "general. Equal false-refusal rates protect good applicants in every group; equal refusal "
            "rates ignore real differences in repayment. When the groups' base rates differ, an imperfect "
            "model cannot equalise both (Chouldechova, 2017, Big Data 5(2)), so the choice is a policy, "
            "to be made openly."),
        "7. Explore": (
            "Let someone from the room drive: raise the cost of a missed case and press 'go to cheapest'. "
            "Watch the group panel: the fairness gap moves with the threshold."),
        "8. The model audit": (
            "Go through the audit question by question; the last rows need people, not code (who is "
            "accountable, how a decision is contested). Ask who would own them in the room's institution. "
            "*Model answer:* a named person with authority over the decision (a head of lending, a "
            "clinical lead), and a documented route for appeals."),
        "Exercises": (
            "Exercise 5 is a discussion: take two or three groups' answers and compare which hazard they "
            "escalate and which control they propose."),
        "Claims": _CLAIMS,
    },
    "04": {
        "04 · Data-centric AI": (
            "The talk's steel-sheet story in one sentence: the same effort spent on the labels beat the "
            "effort spent on the model. Today we check that claim on data we can look at."),
        "1. The data": (
            "Images make a wrong label visible: everyone can judge a flagged digit themselves. The test "
            "set stays clean; it is the honest yardstick for everything that follows."),
        "2. Corrupt a fifth": (
            "Point out that we know exactly which labels were flipped only because we flipped them; a real "
            "data set never tells you. That is what lets us score the detector."),
        "4. Model-centric": (
            "Ask the room what they would try first with a disappointing model. Most will name a bigger "
            "model or more tuning: that is the talk's 'community bias towards model-centric'. *Model "
            "answer:* look at the data first: wrong or inconsistent labels, missing cases, drift."),
        "5. Data-centric": (
            "The key idea is out-of-fold probabilities: a model never judges a label it was trained on. "
            "Spend time here; the exercises rebuild this detector by hand."),
        "6. The talk's table": (
            "Compare row by row with the steel-sheet figures beside it. Ask why, here, the model search "
            "gains more than cleaning, the reverse of the talk. *Model answer:* our errors are random "
            "flips, which a robust model averages away; the steel sheets had systematic, inconsistent "
            "labels and an already well-tuned model, so only cleaning could help."),
        "8. Explore": (
            "The first change of a setting takes a few seconds (a full cross-validation); settings seen "
            "before come back at once. Page through the gallery and ask the room to judge: is the given "
            "label or the suggested one right? *Model answer:* usually the suggested one, sometimes "
            "neither: the point is that a person decides, with the list as a guide."),
        "9. Check for data quality": (
            "Connect to the talk's data-quality dimensions. Only some of them can be checked by a "
            "program; ask which of the rest (relevancy, timeliness) would matter for the room's own data. "
            "*Model answer:* timeliness wherever the world changes (prices, prevalence, language), "
            "relevancy wherever data were collected for another purpose; both need someone who knows "
            "the use."),
        "Exercises": (
            "The detector is a few plain loops: give about fifteen minutes and let the check cells "
            "compare the result with cleanlab."),
        "Claims": _CLAIMS,
    },
    "05": {
        "05 · The carbon footprint of AI": (
            "Start from the talk's headline figure and promise to rebuild it from its parts. The habit to "
            "teach: never quote a CO2e number without its power, hours, PUE and grid."),
        "1. One line of arithmetic": (
            "Write the product on the board and name each factor. Every calculator, and every headline, "
            "is this line with different constants."),
        "2. Strubell et al. (2019)": (
            "The table is recomputed live from the paper's own constants: show that the famous number "
            "comes out of the formula, then ask which constant is most out of date today. *Model "
            "answer:* the hours of the NAS row (section 3: the real search was far smaller), then the PUE "
            "(1.58 was an average; the PUE table lists far better buildings) and the grid."),
        "3. The talk's car comparison": (
            "Everyday equivalents make numbers memorable but hide assumptions: point at the sources "
            "listed for each factor."),
        "4. The same training run on different grids": (
            "Same energy, different CO2e: where a job runs can matter as much as what it does. Ask where "
            "the room's own computing runs. *Model answer:* find the region in the grid table; between "
            "the cleanest and the dirtiest grids the factor is about 30."),
        "5. Estimate vs measurement": (
            "A rated power (TDP) is a ceiling, not a reading. The measured H200 data show how far apart "
            "they can be; estimates built on TDP overstate."),
        "6. Measuring real work in this room": (
            "Read the method line of the report aloud: RAPL or NVML means measured, otherwise it is an "
            "estimate. On a laptop without readable counters that is expected, not a failure."),
        "7. Why published estimates": (
            "Same job, several tools, different answers: the defaults differ (PUE, grid, what is "
            "counted). Reporting the constants is what makes numbers comparable."),
        "9. Your own calculator": (
            "Ask the room for a job they actually run (a thesis model, a fine-tune) and enter it. Then "
            "move it to a cleaner grid and a better building."),
        "Exercises": (
            "Exercise 1 is section 1's formula by hand, without `carbon.estimate`: make sure everyone can "
            "do the arithmetic before trusting a calculator."),
        "What the talk asks of us": (
            "End on actions: measure, report the constants, reduce. Ask each person for one change they "
            "could make this month."),
        "Claims": _CLAIMS,
    },
    "06": {
        "06 · Who wrote this?": (
            "Ask first: who in the room has used, or been told to use, an AI-text detector? Keep the "
            "question of the hour in view: if this score flagged one of your students, what would it "
            "prove?"),
        "1. Text whose author we know": (
            "Stress why the human texts are old Python documentation: a test needs texts whose author is "
            "certain, and anything written recently might have had help."),
        "2. Four detectors, one forward pass": (
            "One idea under all four: machine text is what the model expects. Point at the dark "
            "(surprising) tokens in the human text."),
        "3. How well do they separate": (
            "Ask the room to guess the AUROC before showing the curve. Read 0.5 as 'coin toss' aloud."),
        "4. The price of catching 90%": (
            "This is notebook 03 again: a false accusation is a Type I error, and its cost falls on an "
            "honest student. Do the base-rate arithmetic on the board: most flags land on honest work."),
        "5. Shorter, hotter, lightly edited": (
            "Ask which of the three a student could do without effort (all of them). The paraphrase list "
            "is printed: nothing clever was needed."),
        "6. Who gets falsely accused?": (
            "Link to Liang et al.: plain writing is predictable writing. Ask who in the room's courses "
            "writes plainly: first-years, second-language writers, people following a house style."),
        "7. Try it": (
            "Invite someone to paste a paragraph of their own writing. If it is flagged, use it: that is "
            "the false accusation the numbers above predicted."),
        "8. What a detector score can": (
            "End on policy: what would your institution's procedure accept as evidence? A score can open a "
            "conversation; it cannot close a case."),
        "Exercises": (
            "Exercise 4 is the base-rate effect with a rarer offence: let people predict the answer "
            "before computing it. Exercise 5 is for discussion in pairs."),
        "Claims": _CLAIMS,
    },
    "07": {
        "07 · Privacy and explainability": (
            "Ask first: who in the room has typed confidential text (a student's essay, a patient's "
            "letter, a draft paper) into a chatbot? Keep it in view: the last sections ask whether a model "
            "remembers what it was given."),
        "1. Who was in the training data?": (
            "Make the harm concrete before the maths: being a member of a hospital's or a bank's training "
            "data is itself personal data. Ask the room to guess the attack's success before running it. "
            "*Model answer:* it names every member because the tree is certain and right about all of them."),
        "2. Overfitting gives members away": (
            "Point at the flat test accuracy: the deep trees are no better on new people, only worse for "
            "privacy. Ask what the lesson is for a model trained on student records. *Model answer:* "
            "prefer the simplest model that does as well on held-out people; a train-test gap is a privacy "
            "warning as well as an accuracy one."),
        "3. Explore: model complexity": (
            "Let someone drive the slider from 1 to 20 and narrate: the two colours separate as the gap "
            "grows."),
        "4. Differential privacy": (
            "Write e^ε − 1 on the board and try ε = 0.1, 1, 10 with the room. The guarantee is real but "
            "only small ε says anything; published systems often use ε well above 1. Ask: what ε would you "
            "accept for student data? *Model answer:* one with a bound below 1 on the attack, which here "
            "left the model worse than a constant guess: so collect more data, or share less."),
        "5. Explore: the privacy budget": (
            "Move from 'no DP' down to 0.1 and read the summary line aloud at each step."),
        "6. What drives the credit model?": (
            "Stress the difference: SHAP explains the score, permutation importance the ranking's "
            "dependence on an input. Neither is causal. Ask what a refused applicant should be told. "
            "*Model answer:* the inputs that moved their score most and what would change it, with the "
            "caveat that this explains the model, not the world."),
        "7. Proxies": (
            "Link back to notebook 03's age gap: removing age from the inputs did not remove it from the "
            "decisions. Ask which proxy the room's own data would have. *Model answer:* postcode, school, "
            "name, year of study: anything correlated with a protected attribute."),
        "8. Does the language model remember": (
            "Take predictions with a show of hands before running the test. Then turn to the room's "
            "practice: what does your institution allow staff to paste into an external chatbot? *Model "
            "answer:* nothing confidential unless a contract says the provider neither keeps nor trains on "
            "it; a small model forgetting is no guarantee that a large one does."),
        "9. Which words made the model": (
            "Ask the room to guess which word drove ' Sydney' before showing the chips; most guess "
            "'Australia'. Stress the limit: occlusion explains a change, not a default, and says nothing "
            "about whether the answer is true."),
        "Exercises": (
            "Exercises 1 and 2 are the attack by hand; exercise 3 is one line of arithmetic that anyone can "
            "do. Exercise 5 is for pairs: compare their questions with the model answer."),
        "Claims": _CLAIMS,
    },
}
NOTES = {number: notes for number, notes in NOTES.items() if notes}
