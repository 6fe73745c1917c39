(function(){var h=document.documentElement;try{if(sessionStorage.getItem("hcp")==="yes")return}catch(e){}h.classList.add("hcp-pending")})();
