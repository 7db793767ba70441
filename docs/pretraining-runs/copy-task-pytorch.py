# The copy task of copy-task-tfjs.js in PyTorch (python3-torch), for comparison: the same RoBERTa shape
# (post-LayerNorm, 2 layers, hidden 128, 2 heads, GELU, tied decoder), the same masking and AdamW settings.
# usage: python3 docs/pretraining-runs/copy-task-pytorch.py [lr] [steps] [dropout] [hidden]
# TT=normal draws the token-type vector from normal(0, 0.02) as Hugging Face initialises it (else it starts at
# zero); TRACE=N prints the held-out accuracy every N steps.
import os
import torch, torch.nn as nn, math, random, sys
torch.manual_seed(1); random.seed(1)
lr=float(sys.argv[1]) if len(sys.argv)>1 else 1e-3; steps=int(sys.argv[2]) if len(sys.argv)>2 else 300
torch.set_num_threads(1)
V=104; H=int(sys.argv[4]) if len(sys.argv)>4 else 128; L=2; NH=2; I=4*H; P=66; drop=float(sys.argv[3]) if len(sys.argv)>3 else 0.1
class Layer(nn.Module):
    def __init__(s):
        super().__init__(); s.q=nn.Linear(H,H); s.k=nn.Linear(H,H); s.v=nn.Linear(H,H); s.o=nn.Linear(H,H); s.ln1=nn.LayerNorm(H,eps=1e-5)
        s.i=nn.Linear(H,I); s.out=nn.Linear(I,H); s.ln2=nn.LayerNorm(H,eps=1e-5); s.d=nn.Dropout(drop)
    def forward(s,x):
        B,T,_=x.shape; sp=lambda t:t.view(B,T,NH,H//NH).transpose(1,2)
        a=torch.softmax(sp(s.q(x))@sp(s.k(x)).transpose(-1,-2)/math.sqrt(H//NH),-1)
        c=(s.d(a)@sp(s.v(x))).transpose(1,2).reshape(B,T,H)
        x=s.ln1(x+s.d(s.o(c))); return s.ln2(x+s.d(s.out(nn.functional.gelu(s.i(x)))))
class M(nn.Module):
    def __init__(s):
        super().__init__(); s.we=nn.Embedding(V,H,padding_idx=1); s.pe=nn.Embedding(P,H,padding_idx=1); s.tt=nn.Parameter(torch.zeros(H)); s.ln=nn.LayerNorm(H,eps=1e-5)
        s.layers=nn.ModuleList([Layer() for _ in range(L)]); s.d=nn.Dropout(drop); s.dense=nn.Linear(H,H); s.lln=nn.LayerNorm(H,eps=1e-5); s.bias=nn.Parameter(torch.zeros(V))
        for m in s.modules():
            if isinstance(m,(nn.Linear,nn.Embedding)): m.weight.data.normal_(0,0.02)
            if isinstance(m,nn.Linear): m.bias.data.zero_()
    def forward(s,ids):
        pos=torch.arange(2,2+ids.shape[1]).unsqueeze(0)
        x=s.d(s.ln(s.we(ids)+s.pe(pos)+s.tt))
        for l in s.layers: x=l(x)
        return s.lln(nn.functional.gelu(s.dense(x)))@s.we.weight.T+s.bias
def text(): 
    out=[]
    for _ in range(30): w=4+random.randrange(100); out+= [w,w]
    return out
def batch(n):
    ids=torch.tensor([[0]+text()+[2] for _ in range(n)])
    labels=torch.full_like(ids,-100); inp=ids.clone()
    for b in range(n):
        for t in range(1,ids.shape[1]-1):
            if random.random()<0.15:
                labels[b,t]=ids[b,t]; r=random.random()
                if r<0.8: inp[b,t]=3
                elif r<0.9: inp[b,t]=random.randrange(V)
    return inp,labels
m=M()
if os.environ.get("TT")=="normal": m.tt.data.normal_(0,0.02)
trace=int(os.environ.get("TRACE","0"))
decay=[p for n,p in m.named_parameters() if not ('bias' in n or 'ln' in n)]; nod=[p for n,p in m.named_parameters() if ('bias' in n or 'ln' in n)]
opt=torch.optim.AdamW([{'params':decay,'weight_decay':0.01},{'params':nod,'weight_decay':0}],lr=lr,betas=(0.9,0.98),eps=1e-6)
warm=int(0.05*steps); sched=torch.optim.lr_scheduler.LambdaLR(opt,lambda s: (s+1)/warm if s<warm else max(0,(steps-s)/(steps-warm)))
losses=[]
for s in range(steps):
    inp,lab=batch(16); logits=m(inp); loss=nn.functional.cross_entropy(logits.view(-1,V),lab.view(-1),ignore_index=-100)
    opt.zero_grad(); loss.backward(); opt.step(); sched.step(); losses.append(loss.item())
    if trace and (s+1)%trace==0:
        m.eval(); st=random.getstate(); ei,el=batch(100); random.setstate(st)
        with torch.no_grad(): pr=m(ei).argmax(-1)
        se=el!=-100; print({'step':s+1,'loss':round(sum(losses[-50:])/50,3),'acc':round((pr[se]==el[se]).float().mean().item(),3)}, flush=True); m.train()
m.eval(); inp,lab=batch(100)
with torch.no_grad(): pred=m(inp).argmax(-1)
sel=lab!=-100; print({'lr':lr,'first':[round(x,2) for x in losses[:5]],'last':[round(x,2) for x in losses[-5:]],'acc':(pred[sel]==lab[sel]).float().mean().item()})
