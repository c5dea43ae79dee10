"""Proof bytes of alternative commitment schemes for the 12-claim national ID
(docs/FORMAT.md section 4.3). A calculation, not an implementation: run
`python3 tests/python/commitment_alternatives.py`."""
# Proof cost (bytes) of alternative commitment schemes for the 12-claim national ID.
keys = ["document_number","name_ar","name_en","birth_date","sex","nationality","place_of_birth","issue_date","expiry_date","age_over_18","age_over_21","portrait"]
shapes = {"full": set(keys)-{"portrait"}, "identity": {"name_ar","name_en","document_number","expiry_date"}, "age": {"age_over_18"}}
def balanced(leaves):
    # pad to power of two with None (padding leaves are public zero digests: no cost)
    n=1
    while n<len(leaves): n*=2
    leaves=leaves+[None]*(n-len(leaves))
    def build(ls):
        if len(ls)==1: return ls[0]
        h=len(ls)//2
        return (build(ls[:h]), build(ls[h:]))
    return build(leaves)
def lv(t):
    if t is None: return []
    if isinstance(t,str): return [t]
    return lv(t[0])+lv(t[1])
def cost_salts(t,D):
    # independent salts: disclosed leaves pay salt; undisclosed maximal subtrees pay digest
    real=[x for x in lv(t)]
    if not real: return 0
    if not any(x in D for x in real): return 16
    if isinstance(t,str): return 16
    return cost_salts(t[0],D)+cost_salts(t[1],D)
def cost_seeds(t,D,known=False):
    real=lv(t)
    if not real: return 0
    if not any(x in D for x in real): return 16
    if isinstance(t,str): return 0 if known else 16
    c=0
    if not known and all(x in D for x in real): c+=16; known=True
    return c+cost_seeds(t[0],D,known)+cost_seeds(t[1],D,known)
t=balanced(keys)
for name,D in shapes.items():
    print(name, "per-claim", 16*len(keys), "balanced+salts", cost_salts(t,D), "balanced+seeds", cost_seeds(t,D))
